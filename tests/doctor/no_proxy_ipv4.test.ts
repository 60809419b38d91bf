import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { noProxyMatch } from "../../src/api/proxy.ts";

// requests decides whether a host is an IPv4 address with socket.inet_aton
// (requests 2.34 utils.py:702-710, is_ipv4_address): an octet above 255 makes the host a name,
// which then matches any NO_PROXY entry it merely ends with (utils.py:796-801).
describe("noProxyMatch() and the 255 limit of an IPv4 octet", () => {
  it("noProxyMatch() treats 10.0.0.255 as an address: only an equal entry or a CIDR block matches", () => {
    assert.equal(noProxyMatch("0.0.255", undefined, "10.0.0.255", 8008), undefined);
    assert.equal(noProxyMatch("10.0.0.255", undefined, "10.0.0.255", 8008), "10.0.0.255");
    assert.equal(noProxyMatch("10.0.0.0/24", undefined, "10.0.0.255", 8008), "10.0.0.0/24");
  });

  it("noProxyMatch() treats 10.0.0.256 as a name: a suffix matches and a CIDR block does not", () => {
    assert.equal(noProxyMatch("0.0.256", undefined, "10.0.0.256", 8008), "0.0.256");
    assert.equal(noProxyMatch("10.0.0.0/16", undefined, "10.0.0.256", 8008), undefined);
  });

  it("noProxyMatch() rejects a CIDR base with an octet above 255", () => {
    assert.equal(noProxyMatch("10.0.0.256/8", undefined, "10.1.2.3", 8008), undefined);
    assert.equal(noProxyMatch("10.0.0.255/8", undefined, "10.1.2.3", 8008), "10.0.0.255/8");
  });
});
