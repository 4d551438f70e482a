/**
 * Inline SVG icons (16px, currentColor). Decorative: always aria-hidden, the text beside them
 * carries the meaning.
 */
import type { StepKind } from "../../lib/engine/types";

type IconProps = { size?: number; className?: string };

function Svg({ size = 16, className, children }: IconProps & { children: React.ReactNode }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
      className={className}
    >
      {children}
    </svg>
  );
}

export const OverviewIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2" y="2" width="5" height="5" rx="1" />
    <rect x="9" y="2" width="5" height="5" rx="1" />
    <rect x="2" y="9" width="5" height="5" rx="1" />
    <rect x="9" y="9" width="5" height="5" rx="1" />
  </Svg>
);

export const RunsIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 4h8M2 8h12M2 12h6" />
  </Svg>
);

export const WorkflowsIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="4" cy="4" r="2" />
    <circle cx="12" cy="12" r="2" />
    <path d="M4 6v2a2 2 0 0 0 2 2h4" />
  </Svg>
);

export const TracesIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 3h7M4 7h8M6 11h7M2 3v10" />
  </Svg>
);

export const ApprovalsIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2.5 8.5l3 3 7-7" />
  </Svg>
);

export const AuditIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M4 2h6l3 3v9H4z" />
    <path d="M6.5 8h4M6.5 11h4" />
  </Svg>
);

export const AdminIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="5.5" r="2.5" />
    <path d="M3 14c.6-2.6 2.6-4 5-4s4.4 1.4 5 4" />
  </Svg>
);

export const StepIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2.5" y="2.5" width="11" height="11" rx="2" />
    <path d="M6 8h4" />
  </Svg>
);

export const LlmIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 2l1.4 3.6L13 7l-3.6 1.4L8 12l-1.4-3.6L3 7l3.6-1.4z" />
  </Svg>
);

export const ApprovalStepIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="6" cy="5" r="2.2" />
    <path d="M2 13c.4-2.2 2-3.5 4-3.5 1 0 1.9.3 2.6.9" />
    <path d="M10 12l1.5 1.5L14 11" />
  </Svg>
);

export const SleepIcon = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="5.5" />
    <path d="M8 5v3l2 1.5" />
  </Svg>
);

export const ChevronIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 4l4 4-4 4" />
  </Svg>
);

export const CopyIcon = (p: IconProps) => (
  <Svg {...p}>
    <rect x="5" y="5" width="8.5" height="8.5" rx="1.5" />
    <path d="M3 10.5V3.8C3 3.4 3.4 3 3.8 3h6.7" />
  </Svg>
);

export const SignOutIcon = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 2.5H3.5v11H6M10 5l3 3-3 3M13 8H6" />
  </Svg>
);

const KIND_ICONS: Record<StepKind, (p: IconProps) => React.ReactElement> = {
  step: StepIcon,
  llm: LlmIcon,
  approval: ApprovalStepIcon,
  sleep: SleepIcon,
};

export const KIND_LABELS: Record<StepKind, string> = { step: "Step", llm: "LLM call", approval: "Approval", sleep: "Sleep" };

export function StepKindIcon({ kind, ...props }: IconProps & { kind: StepKind }) {
  const Icon = KIND_ICONS[kind] ?? StepIcon;
  return <Icon {...props} />;
}
