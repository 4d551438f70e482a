import { describe, expect, it } from "vitest";
import { redactJson, redactSecrets } from "./redact";

describe("redactSecrets", () => {
  it.each([
    ["key sk-proj-abcdefghijklmnopqrstuvwx used", "sk-proj-abcdefghijklmnopqrstuvwx"],
    ["Authorization: Bearer abc.def.ghijklmnop", "abc.def.ghijklmnop"],
    ["postgresql://app:hunter22@db:5432/x", "hunter22"],
    ['{"password":"correct horse"}', "correct"],
    ["api_key=AKIA1234567890", "AKIA1234567890"],
    ["wm_0123456789abcdefghijklmnopqrstuv", "wm_0123456789abcdefghijklmnopqrstuv"],
  ])("removes the secret from %s", (input, secret) => {
    const out = redactSecrets(input);
    expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  });

  it("leaves ordinary text alone", () => {
    expect(redactSecrets("quote for Rotterdam → Chicago, 1200 kg")).toBe("quote for Rotterdam → Chicago, 1200 kg");
  });
});

describe("redactJson", () => {
  it("redacts key-like strings at any depth and secret-named fields whole, and keeps the rest", () => {
    const shown = redactJson({
      customer: "Acme",
      note: "use sk-proj-abcdefghijklmnopqrstuvwx for this",
      auth: { password: "hunter2", webhookSecret: "whsec_x", access_token: "abc" },
      calls: [{ usage: { inputTokens: 12 }, prompt: "Bearer abc.def.ghijklmnop" }],
    });
    expect(JSON.stringify(shown)).not.toMatch(/sk-proj-abc|hunter2|whsec_x|"abc"|abc\.def/);
    expect(shown).toMatchObject({
      customer: "Acme",
      auth: { password: "[REDACTED]", webhookSecret: "[REDACTED]", access_token: "[REDACTED]" },
      calls: [{ usage: { inputTokens: 12 } }],
    });
  });
});
