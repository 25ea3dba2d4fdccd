//! Who a request came from. Behind a load balancer every connection comes from the balancer,
//! so throttling by address would lump all guests together; the balancer names the client in
//! `X-Forwarded-For`. Only peers in `TRUSTED_PROXIES` may name it (anyone else could claim any
//! address and dodge the login throttle), and only they may hand over an `x-request-id`.
use std::net::IpAddr;
use std::str::FromStr;

/// One address or a CIDR block (`10.0.0.0/8`, `::1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct IpBlock {
    network: IpAddr,
    prefix: u8,
}

impl IpBlock {
    fn contains(self, ip: IpAddr) -> bool {
        match (self.network, ip) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                masked(u32::from(network).into(), self.prefix, 32)
                    == masked(u32::from(ip).into(), self.prefix, 32)
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => {
                masked(u128::from(network), self.prefix, 128)
                    == masked(u128::from(ip), self.prefix, 128)
            }
            _ => false,
        }
    }
}

/// The top `prefix` bits of a `bits`-wide address.
fn masked(address: u128, prefix: u8, bits: u8) -> u128 {
    if prefix == 0 {
        0
    } else {
        address >> (bits - prefix)
    }
}

impl FromStr for IpBlock {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let (address, prefix) = match raw.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (raw, None),
        };
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("'{raw}' is not an IP address or CIDR block"))?;
        let network = network.to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => prefix
                .parse::<u8>()
                .ok()
                .filter(|prefix| *prefix <= bits)
                .ok_or_else(|| format!("'{raw}': the prefix must be 0 to {bits}"))?,
        };
        Ok(IpBlock { network, prefix })
    }
}

/// The peers allowed to name the client (`TRUSTED_PROXIES`, comma-separated addresses or CIDR
/// blocks; default loopback, where a local reverse proxy runs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpBlock>);

impl Default for TrustedProxies {
    fn default() -> Self {
        "127.0.0.0/8,::1".parse().expect("the default blocks parse")
    }
}

impl FromStr for TrustedProxies {
    type Err = String;

    /// `none` trusts no one: every peer is the client.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw.trim().eq_ignore_ascii_case("none") {
            return Ok(TrustedProxies(Vec::new()));
        }
        raw.split(',')
            .map(str::trim)
            .filter(|block| !block.is_empty())
            .map(IpBlock::from_str)
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    pub fn trusts(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.0.iter().any(|block| block.contains(peer))
    }

    /// The client of a request from `peer` carrying these `X-Forwarded-For` values: walking
    /// the chain from the right (the hop nearest to us), the first address that is not a
    /// trusted proxy. Anything left of it was written by the client and proves nothing.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded_for.flat_map(|value| value.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(address) = hop.trim().parse::<IpAddr>() else {
                // A malformed hop ends the chain we can believe.
                break;
            };
            client = address.to_canonical();
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    #[test]
    fn blocks_match_by_prefix() {
        let proxies: TrustedProxies = "10.0.0.0/8, 192.168.1.7, fd00::/8".parse().unwrap();
        assert!(proxies.trusts(ip("10.20.30.40")));
        assert!(proxies.trusts(ip("192.168.1.7")));
        assert!(!proxies.trusts(ip("192.168.1.8")));
        assert!(proxies.trusts(ip("fd12::1")));
        assert!(!proxies.trusts(ip("fe80::1")));
        // An IPv4 peer seen through an IPv6 socket is the same peer.
        assert!(proxies.trusts(ip("::ffff:10.1.2.3")));
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert!("ten".parse::<TrustedProxies>().is_err());
        let nobody: TrustedProxies = "none".parse().unwrap();
        assert!(!nobody.trusts(ip("127.0.0.1")));
        assert!(TrustedProxies::default().trusts(ip("127.0.0.1")));
    }

    #[test]
    fn only_a_trusted_peer_names_the_client() {
        let proxies: TrustedProxies = "10.0.0.0/8".parse().unwrap();
        let forwarded = ["203.0.113.9"];
        // The balancer names the client.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), forwarded.into_iter()),
            ip("203.0.113.9")
        );
        // Anyone else is the client, whatever they claim.
        assert_eq!(
            proxies.client(ip("198.51.100.1"), forwarded.into_iter()),
            ip("198.51.100.1")
        );
        // A client that sends its own header cannot hide behind it: the rightmost untrusted
        // hop, the one our balancer saw, wins.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), ["1.1.1.1, 203.0.113.9"].into_iter()),
            ip("203.0.113.9")
        );
        // Two trusted hops, in two header lines.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), ["203.0.113.9", "10.0.0.3"].into_iter()),
            ip("203.0.113.9")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(
            proxies.client(ip("10.0.0.2"), std::iter::empty()),
            ip("10.0.0.2")
        );
        assert_eq!(
            proxies.client(ip("10.0.0.2"), ["garbage"].into_iter()),
            ip("10.0.0.2")
        );
    }
}
