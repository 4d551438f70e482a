/**
 * Zero configuration: with no WAYMARK_ENCRYPTION_KEYS, the first start generates a key file
 * (mode 0600) and says so without printing the key; later starts reuse it; a broken key is a
 * clear error at start.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { processEnv } from "../config/env";

const root = fileURLToPath(new URL("../../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "waymark-key-"));
const keyFile = join(dir, ".waymark", "encryption.key");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function prepareKey(env: Record<string, string> = {}) {
  const { WAYMARK_ENCRYPTION_KEYS: _configured, ...base } = processEnv();
  const result = spawnSync(process.execPath, ["--import", "tsx", "lib/cli/encryption-key.ts"], {
    cwd: root,
    env: { ...base, WAYMARK_ENCRYPTION_KEY_FILE: keyFile, ...env },
    encoding: "utf8",
  });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("the encryption key of a fresh machine", () => {
  it("is generated once into a private file, announced without being printed, and reused", () => {
    const first = prepareKey();
    expect(first.code).toBe(0);
    expect(first.output).toContain("Generated an encryption key");
    const written = readFileSync(keyFile, "utf8").trim();
    expect(written).toMatch(/^k\d{14}:[A-Za-z0-9+/]{43}=$/);
    expect(first.output).not.toContain(written.split(":")[1]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const second = prepareKey();
    expect(second.code).toBe(0);
    expect(second.output).not.toContain("Generated");
    expect(readFileSync(keyFile, "utf8").trim()).toBe(written);
  });

  it("refuses to start with a broken key file, saying what is wrong", () => {
    writeFileSync(keyFile, "k1:dG9vIHNob3J0\n");
    const result = prepareKey();
    expect(result.code).toBe(1);
    expect(result.output).toContain(`The key file ${keyFile} is not a valid key ring: key #1 ("k1") must be 32 random bytes`);
  });

  it("writes nothing when the keys are configured", () => {
    rmSync(keyFile);
    const result = prepareKey({ WAYMARK_ENCRYPTION_KEYS: "k9:rVXqbf3CdnAuw4hOFungmZa+gafU158iaLoJZ7AV2ak=" });
    expect(result.code).toBe(0);
    expect(() => statSync(keyFile)).toThrow();
  });
});
