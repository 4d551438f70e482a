/**
 * Test processes and the workers they spawn share one fixed key ring (a test key, never a real
 * one), so payloads sealed by a worker process open in the test. A key already in the
 * environment wins. Importing this module is enough.
 */
import { parseKeyRing, useKeyRing } from "../security/secret-box";

export const TEST_ENCRYPTION_KEYS = "test1:rVXqbf3CdnAuw4hOFungmZa+gafU158iaLoJZ7AV2ak=";

export function ensureTestEncryptionKeys(): void {
  process.env.WAYMARK_ENCRYPTION_KEYS ||= TEST_ENCRYPTION_KEYS;
  useKeyRing(parseKeyRing(process.env.WAYMARK_ENCRYPTION_KEYS));
}

ensureTestEncryptionKeys();
