//! Helpers shared by the fuzz targets.

/// Splits `body` into chunks whose sizes come from a small generator seeded by `seed`, so the
/// fuzzer controls where a streamed body is cut (including 0-byte chunks and cuts inside a
/// multi-byte character or a CRLF).
pub fn chunks(seed: u8, body: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    if seed == 0 {
        out.push(body);
        return out;
    }
    // Sizes: mostly tiny (1..=8), sometimes 0 or up to 64.
    let mut s = u32::from(seed).wrapping_mul(0x9E37_79B9) | 1;
    let mut rest = body;
    loop {
        s ^= s << 13;
        s ^= s >> 17;
        s ^= s << 5;
        let n = match s % 16 {
            0 => 0,
            1 => (s >> 8) as usize % 65,
            k => k as usize % 8 + 1,
        };
        let n = n.min(rest.len());
        let (a, b) = rest.split_at(n);
        out.push(a);
        rest = b;
        if rest.is_empty() {
            break;
        }
    }
    out
}

/// Splits fuzz input at the first `0xFF` byte (never part of UTF-8 text): the text before it,
/// and the bytes after it (empty when there is no `0xFF`).
pub fn split_ff(data: &[u8]) -> (&[u8], &[u8]) {
    match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[]),
    }
}
