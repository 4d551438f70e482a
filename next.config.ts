import type { NextConfig } from "next";

/**
 * Packages loaded with Node's own `require`/`import` instead of being bundled: native or
 * dynamically-loading modules (pg, Prisma's runtime, ioredis/bullmq's Lua scripts read from disk,
 * OpenTelemetry's module patching), and the provider SDKs, which gain nothing from bundling.
 */
const serverExternalPackages = [
  "pg",
  "@prisma/client",
  "@prisma/adapter-pg",
  "prisma",
  "bullmq",
  "ioredis",
  "@opentelemetry/api",
  "@opentelemetry/core",
  "@opentelemetry/resources",
  "@opentelemetry/sdk-node",
  "@opentelemetry/sdk-trace",
  "@opentelemetry/context-async-hooks",
  "@opentelemetry/exporter-trace-otlp-http",
  "@opentelemetry/otlp-exporter-base",
  "@opentelemetry/otlp-transformer",
  "@opentelemetry/semantic-conventions",
  "@opentelemetry/instrumentation",
  "otlp-transformer-protos",
  "protobufjs",
  "openai",
  "@anthropic-ai/sdk",
];

/**
 * A CSP without script-src for now, so Next's inline bootstrap scripts keep working; a nonce-based
 * script policy comes later. These directives already stop framing (clickjacking), plugin
 * content, <base> hijacking and forms posting elsewhere.
 */
const contentSecurityPolicy = ["frame-ancestors 'none'", "object-src 'none'", "base-uri 'self'", "form-action 'self'"].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  // Run ids and filters live in console URLs; don't send them to other sites.
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `npm test` type-checks the whole project (tsc --noEmit, tests included) before anything else;
  // repeating it inside every `next build` doubles the console's build time at `npm start`.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  serverExternalPackages,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
