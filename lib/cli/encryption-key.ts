/**
 * `npm run encryption-key`: makes sure this machine has an encryption key, generating
 * .waymark/encryption.key when WAYMARK_ENCRYPTION_KEYS is unset and the file is missing (what
 * `npm start` does first). docker-compose.yml runs it before the console.
 */
import { getConfig } from "../config/env";
import { prepareEncryptionKey } from "./prepare";

prepareEncryptionKey(getConfig());
