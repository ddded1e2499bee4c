//! A deterministic benchmark corpus the project generates itself: logs, JSON logs, prompts and
//! code with planted sensitive values and decoys, plus the planted count, so every benchmark
//! can check its answers.

/// xorshift64*: small, deterministic, good enough for test data.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed.
    pub fn new(seed: u64) -> Self {
        Rng(seed.max(1))
    }
    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    /// `n` characters drawn from `alphabet`.
    pub fn string(&mut self, alphabet: &[u8], n: usize) -> String {
        (0..n).map(|_| alphabet[self.below(alphabet.len())] as char).collect()
    }
    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const DIGITS: &[u8] = b"0123456789";
const B62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const HEX: &[u8] = b"0123456789abcdef";

fn luhn_digit(body: &str) -> char {
    let mut sum = 0;
    for (i, b) in body.bytes().rev().enumerate() {
        let mut v = u32::from(b - b'0');
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// A Luhn-valid Visa or Mastercard number, grouped in fours.
pub fn card(r: &mut Rng) -> String {
    let prefix = if r.below(2) == 0 { "4".to_string() } else { format!("5{}", 1 + r.below(5)) };
    let body = format!("{prefix}{}", r.string(DIGITS, 15 - prefix.len()));
    let n = format!("{body}{}", luhn_digit(&body));
    format!("{} {} {} {}", &n[..4], &n[4..8], &n[8..12], &n[12..])
}

/// A valid dashed SSN (area 001-899 except 666, group and serial non-zero).
pub fn ssn(r: &mut Rng) -> String {
    let mut area = 1 + r.below(899);
    if area == 666 {
        area = 667;
    }
    format!("{area:03}-{:02}-{:04}", 1 + r.below(99), 1 + r.below(9999))
}

/// A valid German IBAN.
pub fn iban(r: &mut Rng) -> String {
    let bban = r.string(DIGITS, 18);
    let num: String = format!("{bban}131400"); // D=13, E=14, "00"
    let rem = num.bytes().fold(0u64, |acc, b| (acc * 10 + u64::from(b - b'0')) % 97);
    format!("DE{:02}{bban}", 98 - rem)
}

/// A classic GitHub token with a valid CRC32 checksum.
pub fn github_token(r: &mut Rng) -> String {
    let body = r.string(B62, 30);
    let mut crc = crc32(body.as_bytes());
    let mut enc = Vec::new();
    while crc > 0 {
        enc.push(B62[(crc % 62) as usize]);
        crc /= 62;
    }
    while enc.len() < 6 {
        enc.push(b'0');
    }
    enc.reverse();
    format!("ghp_{body}{}", String::from_utf8_lossy(&enc))
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// An AWS access key id.
pub fn aws_key(r: &mut Rng) -> String {
    format!("AKIA{}", r.string(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16))
}

/// An email address.
pub fn email(r: &mut Rng) -> String {
    let first = r.pick(&["ana", "li", "omar", "jane", "kofi", "sofia", "wei", "noah"]);
    let last = r.pick(&["perez", "chen", "okafor", "smith", "novak", "tanaka"]);
    let dom = r.pick(&["example.org", "mail.test", "corp.example.com", "uni.example.edu"]);
    format!("{first}.{last}{}@{dom}", r.below(100))
}

/// A kind of corpus.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Application log lines.
    Logs,
    /// JSON log lines.
    JsonLogs,
    /// Chat prompts in prose with non-ASCII text.
    Prompts,
    /// Source and config files.
    Code,
}

/// A generated corpus and the number of planted sensitive values in it.
pub struct Corpus {
    /// The text.
    pub text: String,
    /// How many sensitive values were planted (decoys are not counted).
    pub planted: usize,
}

fn planted(r: &mut Rng) -> (&'static str, String) {
    match r.below(7) {
        0 => ("card", card(r)),
        1 => ("ssn", ssn(r)),
        2 => ("iban", iban(r)),
        3 => ("github", github_token(r)),
        4 => ("aws", aws_key(r)),
        5 => ("email", email(r)),
        _ => ("password", format!("{}!{}", r.string(B62, 10), r.string(B62, 6))),
    }
}

fn lead(kind: &str) -> &'static str {
    match kind {
        "card" => "card ",
        "ssn" => "ssn ",
        "iban" => "iban ",
        "github" => "GITHUB_TOKEN=",
        "aws" => "aws_access_key_id=",
        "email" => "email ",
        _ => "password=",
    }
}

fn decoy(r: &mut Rng) -> String {
    match r.below(6) {
        0 => format!(
            "trace_id={}-{}-4{}-a{}-{}",
            r.string(HEX, 8),
            r.string(HEX, 4),
            r.string(HEX, 3),
            r.string(HEX, 3),
            r.string(HEX, 12)
        ),
        1 => format!("order ORD-{}", r.string(DIGITS, 8)),
        2 => format!("scheduled_at=17{}", r.string(DIGITS, 11)),
        3 => format!("client version {}.{}.{}", r.below(12), r.below(40), r.below(99)),
        4 => format!("commit {}", r.string(HEX, 40)),
        _ => format!("shipment 9{}", r.string(DIGITS, 8)),
    }
}

/// Generates about `size` bytes of `kind` with one planted value every `every` records.
pub fn generate(kind: Kind, size: usize, every: usize, seed: u64) -> Corpus {
    let mut r = Rng::new(seed);
    let mut text = String::with_capacity(size + 512);
    let mut planted_n = 0;
    let mut i = 0usize;
    while text.len() < size {
        i += 1;
        let ts = format!("2026-11-02T09:{:02}:{:02}.{:03}Z", r.below(60), r.below(60), r.below(1000));
        let body = if i.is_multiple_of(every) {
            planted_n += 1;
            let (k, v) = planted(&mut r);
            format!("{}{v}", lead(k))
        } else if i.is_multiple_of(7) {
            decoy(&mut r)
        } else {
            format!("request completed status=200 bytes={} in {} ms", r.below(90000), r.below(900))
        };
        match kind {
            Kind::Logs => text.push_str(&format!("{ts} INFO 4242 --- [exec-{}] c.a.Service : {body}\n", r.below(12))),
            Kind::JsonLogs => {
                let esc = body.replace('\\', "\\\\").replace('"', "\\\"");
                text.push_str(&format!(
                    "{{\"ts\":\"{ts}\",\"level\":\"info\",\"service\":\"orders\",\"msg\":\"{esc}\",\"http\":{{\"status\":200}}}}\n"
                ));
            }
            Kind::Prompts => text.push_str(&format!(
                "Bonjour, je m'appelle Zoë 😊. Could you help me draft a reply? Context: {body}. Merci — 日本語も大丈夫です.\n\n"
            )),
            Kind::Code => text.push_str(&format!("    # step {i}\n    config[\"note\"] = \"{body}\"\n")),
        }
    }
    Corpus { text, planted: planted_n }
}

/// A ~2 KB chat prompt with three planted values (email, card, AWS key), or none when `clean`.
pub fn prompt_2k(clean: bool) -> String {
    let mut r = Rng::new(42);
    let mut s = String::new();
    let filler = "I am preparing the quarterly report for our customers in Zürich and São Paulo, and I \
                  would like the summary to be friendly but precise. ";
    while s.len() < 600 {
        s.push_str(filler);
    }
    if !clean {
        s.push_str(&format!("Please contact {} about the invoice. ", email(&mut r)));
    }
    while s.len() < 1300 {
        s.push_str(filler);
    }
    if !clean {
        s.push_str(&format!("The card on file is {} and our key is {}. ", card(&mut r), aws_key(&mut r)));
    }
    while s.len() < 2048 {
        s.push_str(filler);
    }
    s
}

/// `text` cut into segments of whole lines of about `size` bytes, as the CLI reads a file (a
/// line longer than `size` is one segment).
pub fn segments(text: &str, size: usize) -> Vec<&str> {
    let mut segs = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let cut = if rest.len() <= size {
            rest.len()
        } else {
            rest.as_bytes()[..size].iter().rposition(|&b| b == b'\n').map_or(rest.len(), |p| p + 1)
        };
        segs.push(&rest[..cut]);
        rest = &rest[cut..];
    }
    segs
}

/// The scanner the CLI builds (default packs, every regex compiled up front), for the
/// examples; exits with the error otherwise.
pub fn eager_scanner() -> scrubline::Scanner {
    scrubline::Scanner::builder().compile_eagerly(true).build().unwrap_or_else(|e| {
        eprintln!("{e}");
        std::process::exit(2)
    })
}

/// The text of the corpus file at `path`, for the examples; exits with the error otherwise.
pub fn read_corpus(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(2)
    })
}
