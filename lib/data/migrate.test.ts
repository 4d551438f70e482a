import { describe, expect, it } from "vitest";
import { databaseNameOf, describeConnectionError, maintenanceUrl, maskDatabaseUrl } from "./migrate";

describe("database URLs in messages", () => {
  it("mask the password", () => {
    expect(maskDatabaseUrl("postgresql://u:s3cret@db:5432/waymark")).toBe("postgresql://u:****@db:5432/waymark");
    expect(maskDatabaseUrl("postgresql://postgres@127.0.0.1:5432/waymark")).toBe("postgresql://postgres@127.0.0.1:5432/waymark");
    expect(maskDatabaseUrl("not a url")).not.toContain("not a url");
  });

  it("explain refused credentials and a missing database differently from an unreachable server", () => {
    const url = "postgresql://u:pw@db:5432/waymark";
    expect(describeConnectionError(url, { code: "28P01", message: "password authentication failed" })).toMatch(/refused the credentials/);
    expect(describeConnectionError(url, { code: "3D000", message: 'database "waymark" does not exist' })).toMatch(/npm run migrate/);
    expect(describeConnectionError(url, new Error("getaddrinfo ENOTFOUND db"))).toMatch(/docker compose up -d postgres redis/);
  });

  it("point maintenance work at the server's postgres database and validate names", () => {
    expect(maintenanceUrl("postgresql://u@h:1/app?sslmode=disable")).toBe("postgresql://u@h:1/postgres?sslmode=disable");
    expect(databaseNameOf("postgresql://u@h/waymark_dev-1")).toBe("waymark_dev-1");
    expect(() => databaseNameOf("postgresql://u@h/x;drop")).toThrow(/not supported/);
  });
});
