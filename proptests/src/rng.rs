//! The generator of the random content mutations insert.

/// `SplitMix64`: the source of the random content a mutation inserts.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A uniform index in `0..n`; `n` must not be zero.
    pub fn below(&mut self, n: usize) -> usize {
        // `n` is tiny in this crate; the modulo bias is irrelevant.
        usize::try_from(self.next_u64() % n as u64).unwrap_or(0)
    }

    /// A fair coin.
    pub fn coin(&mut self) -> bool {
        self.next_u64() & 1 == 1
    }

    /// A float in `[-4, 4)`.
    pub fn float(&mut self) -> f64 {
        #[allow(clippy::cast_precision_loss, reason = "53 random bits convert exactly")]
        let unit = (self.next_u64() >> 11) as f64 / (1_u64 << 53) as f64;
        8.0 * unit - 4.0
    }
}
