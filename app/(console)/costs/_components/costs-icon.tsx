/** The Costs nav icon (16px, currentColor, decorative like app/_ui/icons.tsx): a rising line over bars. */
export const CostsIcon = ({ size = 16 }: { size?: number }) => (
  <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
    <path d="M2 14h12M4 11v1M7 9v3M10 10v2M13 7v5M3 7l3-2.5 3 1.5 4.5-3.5" />
  </svg>
);
