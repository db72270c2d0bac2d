//! Which addresses a notification may be sent to: only public ones. Loopback, private, link-local,
//! shared (CGNAT), the instance metadata service, and every other range that names this machine,
//! its network or no host at all are refused, in IPv4 and in every IPv6 form that embeds one.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The address of Alibaba Cloud's instance metadata service (inside 100.64.0.0/10), which hands
/// out the instance's RAM role credentials.
pub const METADATA_ADDRESS: Ipv4Addr = Ipv4Addr::new(100, 100, 100, 200);

/// Why `ip` is not a public address a receiver may have, or `None` when it is one.
pub fn refusal(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => refusal_v4(v4),
        IpAddr::V6(v6) => refusal_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, network: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(network)) & mask
}

fn refusal_v4(ip: Ipv4Addr) -> Option<&'static str> {
    if ip == METADATA_ADDRESS {
        return Some("the instance metadata service");
    }
    let ranges: [([u8; 4], u32, &'static str); 16] = [
        ([0, 0, 0, 0], 8, "an unspecified (this-network) address"),
        ([10, 0, 0, 0], 8, "a private address"),
        ([100, 64, 0, 0], 10, "a shared (CGNAT) address"),
        ([127, 0, 0, 0], 8, "a loopback address"),
        ([169, 254, 0, 0], 16, "a link-local address"),
        ([172, 16, 0, 0], 12, "a private address"),
        ([192, 0, 0, 0], 24, "a protocol-assignment address"),
        ([192, 0, 2, 0], 24, "a documentation address"),
        ([192, 88, 99, 0], 24, "a 6to4 relay address"),
        ([192, 168, 0, 0], 16, "a private address"),
        ([198, 18, 0, 0], 15, "a benchmarking address"),
        ([198, 51, 100, 0], 24, "a documentation address"),
        ([203, 0, 113, 0], 24, "a documentation address"),
        ([224, 0, 0, 0], 4, "a multicast address"),
        ([255, 255, 255, 255], 32, "the broadcast address"),
        ([240, 0, 0, 0], 4, "a reserved address"),
    ];
    ranges
        .iter()
        .find(|(network, prefix, _)| in_v4(ip, *network, *prefix))
        .map(|(_, _, why)| *why)
}

fn in_v6(ip: Ipv6Addr, network: [u16; 8], prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(network)) & mask
}

/// The IPv4 address in the low 32 bits.
fn low_v4(ip: Ipv6Addr) -> Ipv4Addr {
    Ipv4Addr::from((u128::from(ip) & 0xffff_ffff) as u32)
}

fn refusal_v6(ip: Ipv6Addr) -> Option<&'static str> {
    if ip.is_unspecified() {
        return Some("an unspecified address");
    }
    if ip.is_loopback() {
        return Some("a loopback address");
    }
    // Forms that carry an IPv4 address: judged by it, so ::ffff:127.0.0.1 is loopback too.
    // IPv4-mapped (::ffff:0:0/96), IPv4-compatible (::/96), IPv4-translated (::ffff:0:0:0/96) and
    // the well-known NAT64 prefix (64:ff9b::/96), which a NAT64 gateway turns into the IPv4 one.
    let embedded = [
        ([0, 0, 0, 0, 0, 0xffff, 0, 0], 96),
        ([0, 0, 0, 0, 0, 0, 0, 0], 96),
        ([0, 0, 0, 0, 0xffff, 0, 0, 0], 96),
        ([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96),
    ];
    if let Some(network) = embedded
        .iter()
        .find(|(network, prefix)| in_v6(ip, *network, *prefix))
    {
        if let Some(why) = refusal_v4(low_v4(ip)) {
            return Some(why);
        }
        // Only NAT64 addresses are really sent to (a gateway turns them into the IPv4 one); the
        // other forms are never routed, so a receiver cannot have one.
        let nat64 = network.0[0] == 0x64;
        return (!nat64).then_some("an IPv4-embedding address");
    }
    // 6to4 (2002::/16) carries an IPv4 address in bits 16 to 48.
    if in_v6(ip, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        let v4 = Ipv4Addr::from(((u128::from(ip) >> 80) & 0xffff_ffff) as u32);
        return refusal_v4(v4);
    }
    let ranges: [([u16; 8], u32, &'static str); 9] = [
        (
            [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
            48,
            "a local-use NAT64 address",
        ),
        ([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "a discard-only address"),
        ([0x2001, 0, 0, 0, 0, 0, 0, 0], 32, "a Teredo address"),
        (
            [0x2001, 0x2, 0, 0, 0, 0, 0, 0],
            48,
            "a benchmarking address",
        ),
        (
            [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
            32,
            "a documentation address",
        ),
        (
            [0xfc00, 0, 0, 0, 0, 0, 0, 0],
            7,
            "a unique local (private) address",
        ),
        ([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "a link-local address"),
        ([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10, "a site-local address"),
        ([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "a multicast address"),
    ];
    ranges
        .iter()
        .find(|(network, prefix, _)| in_v6(ip, *network, *prefix))
        .map(|(_, _, why)| *why)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(raw: &str) -> Option<&'static str> {
        refusal(raw.parse().unwrap())
    }

    #[test]
    fn internal_ipv4_addresses_are_refused_with_their_reason() {
        for (address, why) in [
            ("127.0.0.1", "a loopback address"),
            ("127.255.0.9", "a loopback address"),
            ("10.1.2.3", "a private address"),
            ("172.16.0.1", "a private address"),
            ("172.31.255.255", "a private address"),
            ("192.168.1.1", "a private address"),
            ("169.254.169.254", "a link-local address"),
            ("100.64.0.1", "a shared (CGNAT) address"),
            ("100.127.255.254", "a shared (CGNAT) address"),
            ("100.100.100.200", "the instance metadata service"),
            ("0.0.0.0", "an unspecified (this-network) address"),
            ("255.255.255.255", "the broadcast address"),
            ("224.0.0.1", "a multicast address"),
            ("239.255.255.250", "a multicast address"),
            ("240.0.0.1", "a reserved address"),
        ] {
            assert_eq!(refused(address), Some(why), "{address}");
        }
    }

    #[test]
    fn public_ipv4_addresses_pass_including_the_edges_of_refused_ranges() {
        for address in [
            "8.8.8.8",
            "47.96.0.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "11.0.0.1",
            "223.255.255.255",
        ] {
            assert_eq!(refused(address), None, "{address}");
        }
    }

    #[test]
    fn internal_ipv6_addresses_and_embedded_ipv4_forms_are_refused() {
        for (address, why) in [
            ("::1", "a loopback address"),
            ("::", "an unspecified address"),
            ("fc00::1", "a unique local (private) address"),
            ("fdff:ffff::1", "a unique local (private) address"),
            ("fe80::1", "a link-local address"),
            ("febf::1", "a link-local address"),
            ("ff02::1", "a multicast address"),
            ("::ffff:127.0.0.1", "a loopback address"),
            ("::ffff:10.0.0.1", "a private address"),
            ("::ffff:100.100.100.200", "the instance metadata service"),
            ("::127.0.0.1", "a loopback address"),
            ("::ffff:0:169.254.169.254", "a link-local address"),
            ("64:ff9b::7f00:1", "a loopback address"),
            ("64:ff9b::a9fe:a9fe", "a link-local address"),
            ("64:ff9b::6464:64c8", "the instance metadata service"),
            ("64:ff9b:1::1", "a local-use NAT64 address"),
            ("2002:7f00:1::1", "a loopback address"),
            ("2002:c0a8:101::1", "a private address"),
            ("2001:db8::1", "a documentation address"),
            ("2001:0:4136:e378::1", "a Teredo address"),
            ("::ffff:8.8.8.8", "an IPv4-embedding address"),
        ] {
            assert_eq!(refused(address), Some(why), "{address}");
        }
    }

    #[test]
    fn public_ipv6_addresses_pass() {
        for address in ["2400:3200::1", "2606:4700::1111", "64:ff9b::808:808"] {
            assert_eq!(refused(address), None, "{address}");
        }
    }
}
