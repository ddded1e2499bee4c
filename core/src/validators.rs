//! Built-in validators: checksums and structural checks that do the precision work after a
//! regex matched. Each takes the sensitive value (as matched) and returns whether it is valid.
//!
//! Every validator is total: it accepts any `&str` (including non-ASCII text), never panics and
//! never allocates. Digits are collected into fixed-size arrays; the usual separators of a
//! format (spaces, dashes, dots, slashes where the format prints them) are skipped, and any
//! other unexpected byte makes the value invalid.

use std::net::Ipv6Addr;

use base64::Engine as _;

/// A named built-in validator, referenced from packs by `validator = "name"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// Luhn mod-10 checksum over the digits (spaces, dashes, dots and slashes skipped).
    Luhn,
    /// Payment card number: IIN range of a major brand (Visa, Mastercard, Amex, Discover,
    /// Diners, JCB, UnionPay, Maestro, Mir, RuPay), that brand's length, and Luhn.
    CreditCard,
    /// IBAN (ISO 13616): registered country code, that country's length, mod-97 == 1.
    Iban,
    /// US ABA routing transit number: 9 digits, 3-7-1 weighted checksum, Federal Reserve
    /// prefix 01-12, 21-32, 61-72 or 80.
    AbaRouting,
    /// US Social Security number: area not 000/666/900-999, group not 00, serial not 0000.
    UsSsn,
    /// US Individual Taxpayer Identification Number: 9xx-[50-65|70-88|90-92|94-99]-xxxx.
    UsItin,
    /// Classic GitHub token (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_`): the last 6 base62
    /// characters encode the CRC32 of the 30-character random body.
    GithubToken,
    /// JSON Web Token: the first segment is base64url JSON object containing `"alg"`.
    Jwt,
    /// IPv4 dotted quad: four octets 0-255 without leading zeros (optional `:port`), not 0.0.0.0.
    Ipv4,
    /// IPv6 address (parsed by `std`) with a `::` or at least 3 groups, not the unspecified `::`.
    Ipv6,
    /// MAC-48 address: six hex octets with one consistent `:` or `-` separator (or Cisco
    /// `xxxx.xxxx.xxxx`), not all-zero and not broadcast.
    Mac,
    /// Email address: a dot-atom local part, `@`, and a domain of 2+ labels whose TLD is
    /// letters only (2+ characters).
    Email,
    /// UK National Insurance number: valid prefix letters, 6 digits, suffix A-D.
    UkNino,
    /// UK NHS number: 10 digits, mod-11 check digit.
    UkNhs,
    /// Canadian Social Insurance Number: 9 digits, Luhn, first digit not 0 or 8.
    CaSin,
    /// Indian Aadhaar number: 12 digits, first digit 2-9, Verhoeff checksum.
    InAadhaar,
    /// Indian Permanent Account Number: `AAAAA9999A` with a valid holder-type 4th letter.
    InPan,
    /// Brazilian CPF: 11 digits, two mod-11 check digits, not all digits equal.
    BrCpf,
    /// Brazilian CNPJ: 14 characters (numeric or the 2026 alphanumeric form), two weighted
    /// mod-11 check digits.
    BrCnpj,
    /// French NIR (social security number): 13 characters (Corsica `2A`/`2B`) + 2-digit key,
    /// key = 97 - (number mod 97).
    FrNir,
    /// Spanish DNI: 8 digits + mod-23 control letter.
    EsDni,
    /// Spanish NIE: X/Y/Z + 7 digits + mod-23 control letter.
    EsNie,
    /// Italian codice fiscale: 16 characters (omocodia allowed), odd/even table check letter.
    ItCodiceFiscale,
    /// Australian Tax File Number: 8 or 9 digits, weighted sum mod 11.
    AuTfn,
    /// Singapore NRIC/FIN: S/T/F/G/M + 7 digits + weighted check letter.
    SgNric,
    /// Dutch BSN (burgerservicenummer): 9 digits, 11-proof.
    NlBsn,
    /// Polish PESEL: 11 digits, valid month (century-encoded) and day, weighted check digit.
    PlPesel,
    /// Swedish personnummer / samordningsnummer: 10 or 12 digits (YYMMDD-NNNC), valid date
    /// fields, Luhn on the last 10 digits.
    SePersonnummer,
    /// German tax identification number (Steuer-ID): 11 digits, digit-repetition rule,
    /// ISO 7064 MOD 11,10 check digit.
    DeTaxId,
    /// US National Provider Identifier: 10 digits starting 1 or 2, Luhn with the 80840 prefix.
    UsNpi,
    /// PEM or OpenSSH key block: holds a run of at least 40 base64 characters (a real body,
    /// not `...` or a placeholder). Checked here rather than in the rule's regex, where the
    /// counted run inside a lazy loop made the largest lazy DFA of the default packs.
    PemBody,
}

impl Validator {
    /// Every validator, for documentation and listing.
    pub const ALL: &'static [Validator] = &[
        Validator::Luhn,
        Validator::CreditCard,
        Validator::Iban,
        Validator::AbaRouting,
        Validator::UsSsn,
        Validator::UsItin,
        Validator::GithubToken,
        Validator::Jwt,
        Validator::Ipv4,
        Validator::Ipv6,
        Validator::Mac,
        Validator::Email,
        Validator::UkNino,
        Validator::UkNhs,
        Validator::CaSin,
        Validator::InAadhaar,
        Validator::InPan,
        Validator::BrCpf,
        Validator::BrCnpj,
        Validator::FrNir,
        Validator::EsDni,
        Validator::EsNie,
        Validator::ItCodiceFiscale,
        Validator::AuTfn,
        Validator::SgNric,
        Validator::NlBsn,
        Validator::PlPesel,
        Validator::SePersonnummer,
        Validator::DeTaxId,
        Validator::UsNpi,
        Validator::PemBody,
    ];

    /// Looks a validator up by its pack name.
    pub fn from_name(name: &str) -> Option<Validator> {
        Self::ALL.iter().copied().find(|v| v.name() == name)
    }

    /// The name used in packs.
    pub fn name(self) -> &'static str {
        match self {
            Validator::Luhn => "luhn",
            Validator::CreditCard => "credit_card",
            Validator::Iban => "iban",
            Validator::AbaRouting => "aba_routing",
            Validator::UsSsn => "us_ssn",
            Validator::UsItin => "us_itin",
            Validator::GithubToken => "github_token",
            Validator::Jwt => "jwt",
            Validator::Ipv4 => "ipv4",
            Validator::Ipv6 => "ipv6",
            Validator::Mac => "mac",
            Validator::Email => "email",
            Validator::UkNino => "uk_nino",
            Validator::UkNhs => "uk_nhs",
            Validator::CaSin => "ca_sin",
            Validator::InAadhaar => "in_aadhaar",
            Validator::InPan => "in_pan",
            Validator::BrCpf => "br_cpf",
            Validator::BrCnpj => "br_cnpj",
            Validator::FrNir => "fr_nir",
            Validator::EsDni => "es_dni",
            Validator::EsNie => "es_nie",
            Validator::ItCodiceFiscale => "it_codice_fiscale",
            Validator::AuTfn => "au_tfn",
            Validator::SgNric => "sg_nric",
            Validator::NlBsn => "nl_bsn",
            Validator::PlPesel => "pl_pesel",
            Validator::SePersonnummer => "se_personnummer",
            Validator::DeTaxId => "de_tax_id",
            Validator::UsNpi => "us_npi",
            Validator::PemBody => "pem_body",
        }
    }

    /// Whether `value` passes this validator.
    pub fn check(self, value: &str) -> bool {
        match self {
            Validator::Luhn => luhn_value(value),
            Validator::CreditCard => credit_card(value),
            Validator::Iban => iban(value),
            Validator::AbaRouting => aba_routing(value),
            Validator::UsSsn => us_ssn(value),
            Validator::UsItin => us_itin(value),
            Validator::GithubToken => github_token(value),
            Validator::Jwt => jwt(value),
            Validator::Ipv4 => ipv4(value),
            Validator::Ipv6 => ipv6(value),
            Validator::Mac => mac(value),
            Validator::Email => email(value),
            Validator::UkNino => uk_nino(value),
            Validator::UkNhs => uk_nhs(value),
            Validator::CaSin => ca_sin(value),
            Validator::InAadhaar => in_aadhaar(value),
            Validator::InPan => in_pan(value),
            Validator::BrCpf => br_cpf(value),
            Validator::BrCnpj => br_cnpj(value),
            Validator::FrNir => fr_nir(value),
            Validator::EsDni => es_dni(value),
            Validator::EsNie => es_nie(value),
            Validator::ItCodiceFiscale => it_codice_fiscale(value),
            Validator::AuTfn => au_tfn(value),
            Validator::SgNric => sg_nric(value),
            Validator::NlBsn => nl_bsn(value),
            Validator::PlPesel => pl_pesel(value),
            Validator::SePersonnummer => se_personnummer(value),
            Validator::DeTaxId => de_tax_id(value),
            Validator::UsNpi => us_npi(value),
            Validator::PemBody => pem_body(value),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// Separators skipped in most numeric identifiers.
const SEPS: &[u8] = b" -.";

/// Up to `N` decimal digit values (0-9) collected from a value.
struct Digits<const N: usize> {
    buf: [u8; N],
    len: usize,
}

impl<const N: usize> Digits<N> {
    /// Collects the digits of `value`, skipping bytes in `seps`. `None` when any other byte is
    /// present or there are more than `N` digits.
    fn parse(value: &str, seps: &[u8]) -> Option<Self> {
        let mut buf = [0u8; N];
        let mut len = 0;
        for &b in value.as_bytes() {
            if b.is_ascii_digit() {
                if len == N {
                    return None;
                }
                buf[len] = b - b'0';
                len += 1;
            } else if !seps.contains(&b) {
                return None;
            }
        }
        Some(Self { buf, len })
    }

    fn as_slice(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

/// Exactly `N` digits (separators in `seps` skipped).
fn exact_digits<const N: usize>(value: &str, seps: &[u8]) -> Option<[u8; N]> {
    let d = Digits::<N>::parse(value, seps)?;
    (d.len == N).then_some(d.buf)
}

/// `N` ASCII alphanumeric bytes (uppercased), skipping bytes in `seps`.
fn exact_alnum<const N: usize>(value: &str, seps: &[u8]) -> Option<[u8; N]> {
    let mut buf = [0u8; N];
    let mut len = 0;
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if len == N {
                return None;
            }
            buf[len] = b.to_ascii_uppercase();
            len += 1;
        } else if !seps.contains(&b) {
            return None;
        }
    }
    (len == N).then_some(buf)
}

/// Sum of the Luhn algorithm over digit values (rightmost digit is not doubled).
fn luhn_sum(digits: &[u8]) -> u32 {
    digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let mut v = u32::from(d);
            if i % 2 == 1 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            v
        })
        .sum()
}

fn luhn_ok(digits: &[u8]) -> bool {
    luhn_sum(digits).is_multiple_of(10)
}

/// The number formed by the digit values.
fn number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |acc, &d| acc.wrapping_mul(10).wrapping_add(u64::from(d)))
}

fn all_equal(digits: &[u8]) -> bool {
    digits.windows(2).all(|w| w[0] == w[1])
}

/// Weighted sum of digit values.
fn weighted(digits: &[u8], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(&d, &w)| u32::from(d) * w).sum()
}

// ---------------------------------------------------------------------------------------------
// Payments
// ---------------------------------------------------------------------------------------------

fn luhn_value(value: &str) -> bool {
    match Digits::<64>::parse(value, b" -./") {
        Some(d) => d.len >= 2 && luhn_ok(d.as_slice()),
        None => false,
    }
}

fn credit_card(value: &str) -> bool {
    let Some(d) = Digits::<19>::parse(value, b" -") else {
        return false;
    };
    let d = d.as_slice();
    (12..=19).contains(&d.len()) && card_brand_ok(d) && luhn_ok(d)
}

/// Whether the IIN (leading digits) belongs to a major brand issuing numbers of this length.
fn card_brand_ok(d: &[u8]) -> bool {
    let n = d.len();
    let p2 = number(&d[..2]);
    let p3 = number(&d[..3]);
    let p4 = number(&d[..4]);
    let long = (16..=19).contains(&n);
    match d[0] {
        // Visa (incl. Electron).
        4 => matches!(n, 13 | 16 | 19),
        // Mastercard 2-series; Mir.
        2 => ((2221..=2720).contains(&p4) && n == 16) || ((2200..=2204).contains(&p4) && long),
        // Amex; Diners Club (36, 300-305, 3095, 38-39); JCB.
        3 => {
            ((p2 == 34 || p2 == 37) && n == 15)
                || ((p2 == 36 || (300..=305).contains(&p3) || p4 == 3095 || p2 == 38 || p2 == 39)
                    && (14..=19).contains(&n))
                || ((3528..=3589).contains(&p4) && long)
        }
        // Mastercard 51-55; Maestro 50, 56-58.
        5 => ((51..=55).contains(&p2) && n == 16) || ((p2 == 50 || (56..=58).contains(&p2)) && (12..=19).contains(&n)),
        // Discover (6011, 644-649, 65), UnionPay (62), RuPay (60); Maestro (63, 67).
        6 => {
            ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || p2 == 62 || p2 == 60) && long)
                || ((p2 == 63 || p2 == 67) && (12..=19).contains(&n))
        }
        // UnionPay 81.
        8 => p2 == 81 && long,
        _ => false,
    }
}

/// ISO 13616 registry: country code and IBAN length.
#[rustfmt::skip]
const IBAN_LENGTHS: &[([u8; 2], u8)] = &[
    (*b"AD", 24), (*b"AE", 23), (*b"AL", 28), (*b"AT", 20), (*b"AZ", 28), (*b"BA", 20),
    (*b"BE", 16), (*b"BG", 22), (*b"BH", 22), (*b"BI", 27), (*b"BR", 29), (*b"BY", 28),
    (*b"CH", 21), (*b"CR", 22), (*b"CY", 28), (*b"CZ", 24), (*b"DE", 22), (*b"DJ", 27),
    (*b"DK", 18), (*b"DO", 28), (*b"EE", 20), (*b"EG", 29), (*b"ES", 24), (*b"FI", 18),
    (*b"FK", 18), (*b"FO", 18), (*b"FR", 27), (*b"GB", 22), (*b"GE", 22), (*b"GI", 23),
    (*b"GL", 18), (*b"GR", 27), (*b"GT", 28), (*b"HN", 28), (*b"HR", 21), (*b"HU", 28),
    (*b"IE", 22), (*b"IL", 23), (*b"IQ", 23), (*b"IS", 26), (*b"IT", 27), (*b"JO", 30),
    (*b"KW", 30), (*b"KZ", 20), (*b"LB", 28), (*b"LC", 32), (*b"LI", 21), (*b"LT", 20),
    (*b"LU", 20), (*b"LV", 21), (*b"LY", 25), (*b"MC", 27), (*b"MD", 24), (*b"ME", 22),
    (*b"MK", 19), (*b"MN", 20), (*b"MR", 27), (*b"MT", 31), (*b"MU", 30), (*b"NI", 28),
    (*b"NL", 18), (*b"NO", 15), (*b"OM", 23), (*b"PK", 24), (*b"PL", 28), (*b"PS", 29),
    (*b"PT", 25), (*b"QA", 29), (*b"RO", 24), (*b"RS", 22), (*b"RU", 33), (*b"SA", 24),
    (*b"SC", 31), (*b"SD", 18), (*b"SE", 24), (*b"SI", 19), (*b"SK", 24), (*b"SM", 27),
    (*b"SO", 23), (*b"ST", 25), (*b"SV", 28), (*b"TL", 23), (*b"TN", 24), (*b"TR", 26),
    (*b"UA", 29), (*b"VA", 22), (*b"VG", 24), (*b"XK", 20), (*b"YE", 30),
];

fn iban(value: &str) -> bool {
    // Electronic form or the print form grouped by single spaces.
    let mut buf = [0u8; 34];
    let mut len = 0;
    for &b in value.as_bytes() {
        if b.is_ascii_alphanumeric() {
            if len == buf.len() {
                return false;
            }
            buf[len] = b.to_ascii_uppercase();
            len += 1;
        } else if b != b' ' {
            return false;
        }
    }
    let s = &buf[..len];
    if len < 15
        || !s[0].is_ascii_uppercase()
        || !s[1].is_ascii_uppercase()
        || !s[2].is_ascii_digit()
        || !s[3].is_ascii_digit()
    {
        return false;
    }
    let Some(&(_, want)) = IBAN_LENGTHS.iter().find(|(cc, _)| cc[..] == s[..2]) else {
        return false;
    };
    if usize::from(want) != len {
        return false;
    }
    // Check digits 00, 01 and 99 are never produced by the algorithm.
    let check = (s[2] - b'0') * 10 + (s[3] - b'0');
    if !(2..=98).contains(&check) {
        return false;
    }
    let mut rem = 0u32;
    for &c in s[4..].iter().chain(&s[..4]) {
        rem = if c.is_ascii_digit() {
            (rem * 10 + u32::from(c - b'0')) % 97
        } else {
            (rem * 100 + u32::from(c - b'A') + 10) % 97
        };
    }
    rem == 1
}

fn aba_routing(value: &str) -> bool {
    let Some(d) = exact_digits::<9>(value, b" -") else {
        return false;
    };
    let prefix = d[0] * 10 + d[1];
    let prefix_ok = matches!(prefix, 1..=12 | 21..=32 | 61..=72 | 80);
    prefix_ok && weighted(&d, &[3, 7, 1, 3, 7, 1, 3, 7, 1]).is_multiple_of(10)
}

// ---------------------------------------------------------------------------------------------
// US identifiers
// ---------------------------------------------------------------------------------------------

fn us_ssn(value: &str) -> bool {
    let Some(d) = exact_digits::<9>(value, SEPS) else {
        return false;
    };
    let area = number(&d[..3]);
    let group = number(&d[3..5]);
    let serial = number(&d[5..]);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

fn us_itin(value: &str) -> bool {
    let Some(d) = exact_digits::<9>(value, SEPS) else {
        return false;
    };
    let group = d[3] * 10 + d[4];
    d[0] == 9 && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99)
}

fn us_npi(value: &str) -> bool {
    let Some(d) = exact_digits::<10>(value, b" -") else {
        return false;
    };
    // Luhn over "80840" + the 10 digits: the prefix contributes a constant 24.
    (d[0] == 1 || d[0] == 2) && (luhn_sum(&d) + 24).is_multiple_of(10)
}

// ---------------------------------------------------------------------------------------------
// Tokens
// ---------------------------------------------------------------------------------------------

fn base62_value(c: u8) -> Option<u64> {
    match c {
        b'0'..=b'9' => Some(u64::from(c - b'0')),
        b'A'..=b'Z' => Some(u64::from(c - b'A') + 10),
        b'a'..=b'z' => Some(u64::from(c - b'a') + 36),
        _ => None,
    }
}

fn github_token(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() != 40 || &b[..2] != b"gh" || !b"pousr".contains(&b[2]) || b[3] != b'_' {
        return false;
    }
    let body = &b[4..34];
    if !body.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let mut sum = 0u64;
    for &c in &b[34..] {
        match base62_value(c) {
            Some(v) => sum = sum * 62 + v,
            None => return false,
        }
    }
    sum == u64::from(crc32fast::hash(body))
}

fn jwt(value: &str) -> bool {
    let b = value.as_bytes();
    if !b.iter().all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'=')) {
        return false;
    }
    let header_end = memchr::memchr(b'.', b).unwrap_or(b.len());
    let mut header = &b[..header_end];
    while let [rest @ .., b'='] = header {
        header = rest;
    }
    let mut buf = [0u8; 1024];
    if header.is_empty() || header.len() > 1360 {
        return false;
    }
    let Ok(n) = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode_slice(header, &mut buf) else {
        return false;
    };
    let json = buf[..n].trim_ascii();
    json.first() == Some(&b'{') && json.last() == Some(&b'}') && memchr::memmem::find(json, b"\"alg\"").is_some()
}

// ---------------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------------

fn ipv4(value: &str) -> bool {
    let (addr, port) = match value.split_once(':') {
        Some((a, p)) => (a, Some(p)),
        None => (value, None),
    };
    if let Some(p) = port {
        let ok = !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|c| c.is_ascii_digit())
            && !(p.len() > 1 && p.starts_with('0'))
            && p.parse::<u32>().is_ok_and(|v| v <= 65535);
        if !ok {
            return false;
        }
    }
    let mut octets = 0;
    let mut zero = true;
    for part in addr.split('.') {
        octets += 1;
        if octets > 4
            || part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|c| c.is_ascii_digit())
            || (part.len() > 1 && part.starts_with('0'))
        {
            return false;
        }
        let v = part.bytes().fold(0u32, |a, c| a * 10 + u32::from(c - b'0'));
        if v > 255 {
            return false;
        }
        zero &= v == 0;
    }
    octets == 4 && !zero
}

fn ipv6(value: &str) -> bool {
    if value.len() > 45 {
        return false;
    }
    let Ok(addr) = value.parse::<Ipv6Addr>() else {
        return false;
    };
    let compressed = value.contains("::");
    let colons = value.bytes().filter(|&c| c == b':').count();
    if addr.is_unspecified() || !(compressed || colons >= 2) {
        return false;
    }
    // A compressed form made only of letters ("add::bed") is far more often code than an
    // address; a full eight-group form is unambiguous.
    !compressed || colons >= 7 || value.bytes().any(|c| c.is_ascii_digit())
}

fn mac(value: &str) -> bool {
    let b = value.as_bytes();
    let mut octets = [0u8; 6];
    match b.len() {
        17 => {
            let sep = b[2];
            if sep != b':' && sep != b'-' {
                return false;
            }
            for (i, o) in octets.iter_mut().enumerate() {
                let at = i * 3;
                if i > 0 && b[at - 1] != sep {
                    return false;
                }
                match hex_pair(b[at], b[at + 1]) {
                    Some(v) => *o = v,
                    None => return false,
                }
            }
        }
        14 => {
            // Cisco style: xxxx.xxxx.xxxx
            if b[4] != b'.' || b[9] != b'.' {
                return false;
            }
            for (i, o) in octets.iter_mut().enumerate() {
                let at = (i / 2) * 5 + (i % 2) * 2;
                match hex_pair(b[at], b[at + 1]) {
                    Some(v) => *o = v,
                    None => return false,
                }
            }
        }
        _ => return false,
    }
    octets != [0; 6] && octets != [0xff; 6]
}

fn hex_pair(a: u8, b: u8) -> Option<u8> {
    let h = |c: u8| (c as char).to_digit(16);
    Some((h(a)? * 16 + h(b)?) as u8)
}

// ---------------------------------------------------------------------------------------------
// Email
// ---------------------------------------------------------------------------------------------

/// Extensions that look like a TLD in asset names (`logo@2x.png`) but are not delegated TLDs.
const FILE_EXTENSIONS: &[&[u8]] = &[
    b"png", b"jpg", b"jpeg", b"gif", b"svg", b"webp", b"bmp", b"ico", b"css", b"js", b"ts", b"tsx", b"jsx", b"json",
    b"yaml", b"yml", b"toml", b"xml", b"html", b"htm", b"txt", b"lock",
];

/// Whether each byte may appear in an email's local part (RFC 5322 `atext` and `.`, plus any
/// non-ASCII byte), one table lookup per byte.
const LOCAL_PART: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || b >= 0x80;
        c += 1;
    }
    let extra = b".!#$%&'*+/=?^_`{|}~-";
    let mut i = 0;
    while i < extra.len() {
        t[extra[i] as usize] = true;
        i += 1;
    }
    t
};

/// Whether `tld` is one of [`FILE_EXTENSIONS`], in any case: its lower-case bytes packed in
/// a `u32` are compared with the packed extensions (no extension is longer than four bytes).
fn is_file_extension(tld: &[u8]) -> bool {
    if tld.len() > 4 {
        return false;
    }
    let mut key = [0u8; 4];
    for (k, b) in key.iter_mut().zip(tld) {
        *k = b.to_ascii_lowercase();
    }
    PACKED_EXTENSIONS.contains(&u32::from_le_bytes(key))
}

/// [`FILE_EXTENSIONS`] packed as [`is_file_extension`] reads them.
const PACKED_EXTENSIONS: [u32; FILE_EXTENSIONS.len()] = {
    let mut out = [0u32; FILE_EXTENSIONS.len()];
    let mut i = 0;
    while i < FILE_EXTENSIONS.len() {
        let ext = FILE_EXTENSIONS[i];
        assert!(ext.len() <= 4, "file extensions are packed in four bytes");
        let mut j = 0;
        while j < ext.len() {
            out[i] |= (ext[j] as u32) << (8 * j);
            j += 1;
        }
        i += 1;
    }
    out
};

/// Bytes of the base64 alphabet (RFC 4648 section 4, without the `=` padding).
fn is_base64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'+' || b == b'/'
}

/// A run of at least 40 base64 characters somewhere in the block (the header and footer lines
/// hold spaces and dashes, so the run is in the body).
fn pem_body(value: &str) -> bool {
    let mut run = 0;
    for &b in value.as_bytes() {
        run = if is_base64(b) { run + 1 } else { 0 };
        if run >= 40 {
            return true;
        }
    }
    false
}

fn email(value: &str) -> bool {
    let b = value.as_bytes();
    if b.len() > 254 {
        return false;
    }
    let Some(at) = memchr::memchr(b'@', b) else {
        return false;
    };
    let (local, domain) = (&b[..at], &b[at + 1..]);
    if local.is_empty()
        || local.len() > 64
        || local[0] == b'.'
        || local[local.len() - 1] == b'.'
        || memchr::memmem::find(local, b"..").is_some()
        || !local.iter().all(|&c| LOCAL_PART[usize::from(c)])
    {
        return false;
    }
    if domain.is_empty() || domain.len() > 253 {
        return false;
    }
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|&c| c == b'.') {
        labels += 1;
        if label.is_empty()
            || label.len() > 63
            || label[0] == b'-'
            || label[label.len() - 1] == b'-'
            || !label.iter().all(|&c| c.is_ascii_alphanumeric() || c == b'-' || c >= 0x80)
        {
            return false;
        }
        last = label;
    }
    if labels < 2 || last.len() < 2 {
        return false;
    }
    // The TLD is letters only: ASCII letters, or (IDN) non-ASCII alphabetic characters.
    let tld_ok = match std::str::from_utf8(last) {
        Ok(t) => t.chars().all(char::is_alphabetic),
        Err(_) => false,
    };
    tld_ok && !is_file_extension(last)
}

// ---------------------------------------------------------------------------------------------
// National identifiers
// ---------------------------------------------------------------------------------------------

fn uk_nino(value: &str) -> bool {
    let Some(s) = exact_alnum::<9>(value, b" ") else {
        return false;
    };
    let (a, b) = (s[0], s[1]);
    let bad_first = b"DFIQUV";
    let bad_second = b"DFIOQUV";
    let bad_pairs: [&[u8; 2]; 7] = [b"BG", b"GB", b"NK", b"KN", b"TN", b"NT", b"ZZ"];
    a.is_ascii_uppercase()
        && b.is_ascii_uppercase()
        && !bad_first.contains(&a)
        && !bad_second.contains(&b)
        && !bad_pairs.iter().any(|p| p[..] == s[..2])
        && s[2..8].iter().all(u8::is_ascii_digit)
        && (b'A'..=b'D').contains(&s[8])
}

fn uk_nhs(value: &str) -> bool {
    let Some(d) = exact_digits::<10>(value, b" -") else {
        return false;
    };
    if all_equal(&d) {
        return false;
    }
    let sum = weighted(&d[..9], &[10, 9, 8, 7, 6, 5, 4, 3, 2]);
    let check = match 11 - sum % 11 {
        11 => 0,
        10 => return false,
        c => c,
    };
    check == u32::from(d[9])
}

fn ca_sin(value: &str) -> bool {
    let Some(d) = exact_digits::<9>(value, b" -") else {
        return false;
    };
    d[0] != 0 && d[0] != 8 && luhn_ok(&d)
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];

const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 7, 6, 8, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

fn verhoeff_ok(digits: &[u8]) -> bool {
    let mut c = 0usize;
    for (i, &d) in digits.iter().rev().enumerate() {
        c = usize::from(VERHOEFF_D[c][usize::from(VERHOEFF_P[i % 8][usize::from(d)])]);
    }
    c == 0
}

fn in_aadhaar(value: &str) -> bool {
    let Some(d) = exact_digits::<12>(value, b" -") else {
        return false;
    };
    d[0] >= 2 && verhoeff_ok(&d)
}

fn in_pan(value: &str) -> bool {
    let b = value.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        // Holder type: AOP, BOI, Company, LLP, Firm, Government, HUF, Artificial juridical
        // person, Local authority, Person (individual), Trust.
        && b"ABCEFGHJLPT".contains(&b[3])
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

fn mod11_cpf_digit(digits: &[u8], first_weight: u32) -> u8 {
    let sum: u32 = digits.iter().enumerate().map(|(i, &d)| u32::from(d) * (first_weight - i as u32)).sum();
    ((sum * 10) % 11 % 10) as u8
}

fn br_cpf(value: &str) -> bool {
    let Some(d) = exact_digits::<11>(value, b".- ") else {
        return false;
    };
    !all_equal(&d) && mod11_cpf_digit(&d[..9], 10) == d[9] && mod11_cpf_digit(&d[..10], 11) == d[10]
}

fn br_cnpj(value: &str) -> bool {
    // Values are the ASCII code minus 48, which covers the alphanumeric CNPJ (from 2026) too.
    let Some(s) = exact_alnum::<14>(value, b"./- ") else {
        return false;
    };
    if !s[12].is_ascii_digit() || !s[13].is_ascii_digit() {
        return false;
    }
    let mut v = [0u32; 14];
    for (o, &c) in v.iter_mut().zip(&s) {
        *o = u32::from(c - b'0');
    }
    if v.windows(2).all(|w| w[0] == w[1]) {
        return false;
    }
    const W: [u32; 13] = [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    let dv = |n: usize| {
        let sum: u32 = v[..n].iter().zip(&W[13 - n..]).map(|(a, b)| a * b).sum();
        match sum % 11 {
            0 | 1 => 0,
            r => 11 - r,
        }
    };
    dv(12) == v[12] && dv(13) == v[13]
}

fn fr_nir(value: &str) -> bool {
    let Some(s) = exact_alnum::<15>(value, b" ") else {
        return false;
    };
    // Corsica: department 2A counts as 19, 2B as 18.
    let mut d = [0u8; 15];
    for (i, (o, &c)) in d.iter_mut().zip(&s).enumerate() {
        *o = match (i, c) {
            (_, b'0'..=b'9') => c - b'0',
            (6, b'A') if s[5] == b'2' => 9,
            (6, b'B') if s[5] == b'2' => 8,
            _ => return false,
        };
    }
    if s[5] == b'2' && !s[6].is_ascii_digit() {
        d[5] = 1;
    }
    let month = d[3] * 10 + d[4];
    let key = number(&d[13..]);
    matches!(d[0], 1 | 2 | 3 | 4 | 7 | 8)
        && matches!(month, 1..=12 | 20..=99)
        && (1..=97).contains(&key)
        && 97 - number(&d[..13]) % 97 == key
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

fn es_dni(value: &str) -> bool {
    let Some(s) = exact_alnum::<9>(value, b" -") else {
        return false;
    };
    if !s[..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = s[..8].iter().fold(0u32, |a, &c| a * 10 + u32::from(c - b'0'));
    DNI_LETTERS[(n % 23) as usize] == s[8]
}

fn es_nie(value: &str) -> bool {
    let Some(s) = exact_alnum::<9>(value, b" -") else {
        return false;
    };
    let lead = match s[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        _ => return false,
    };
    if !s[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = s[1..8].iter().fold(lead, |a, &c| a * 10 + u32::from(c - b'0'));
    DNI_LETTERS[(n % 23) as usize] == s[8]
}

/// Values of the characters in odd (1st, 3rd, ...) positions of a codice fiscale, for digits
/// 0-9 and letters A-Z alike (a digit has the value of the letter at the same index).
const CF_ODD: [u32; 26] =
    [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
/// Letters replacing digits 0-9 in omocodic codes.
const CF_OMOCODE: &[u8; 10] = b"LMNPQRSTUV";

/// The digit value of a position that holds a digit or an omocodic letter.
fn cf_digit(c: u8) -> Option<u8> {
    if c.is_ascii_digit() {
        return Some(c - b'0');
    }
    CF_OMOCODE.iter().position(|&l| l == c).map(|p| p as u8)
}

fn it_codice_fiscale(value: &str) -> bool {
    let Some(s) = exact_alnum::<16>(value, b"") else {
        return false;
    };
    let letters = [0, 1, 2, 3, 4, 5, 8, 11, 15];
    if !letters.iter().all(|&i| s[i].is_ascii_uppercase()) {
        return false;
    }
    let mut num = [0u8; 7];
    for (o, &i) in num.iter_mut().zip(&[6usize, 7, 9, 10, 12, 13, 14]) {
        match cf_digit(s[i]) {
            Some(v) => *o = v,
            None => return false,
        }
    }
    if !b"ABCDEHLMPRST".contains(&s[8]) {
        return false;
    }
    let day = num[2] * 10 + num[3];
    if !matches!(day, 1..=31 | 41..=71) {
        return false;
    }
    let mut sum = 0u32;
    for (i, &c) in s[..15].iter().enumerate() {
        let idx = if c.is_ascii_digit() { c - b'0' } else { c - b'A' };
        sum += if i % 2 == 0 { CF_ODD[usize::from(idx)] } else { u32::from(idx) };
    }
    s[15] == b'A' + (sum % 26) as u8
}

fn au_tfn(value: &str) -> bool {
    let Some(d) = Digits::<9>::parse(value, b" -") else {
        return false;
    };
    let d = d.as_slice();
    let weights: &[u32] = match d.len() {
        9 => &[1, 4, 3, 7, 5, 8, 6, 9, 10],
        8 => &[10, 7, 8, 4, 6, 3, 5, 1],
        _ => return false,
    };
    !d.iter().all(|&x| x == 0) && weighted(d, weights).is_multiple_of(11)
}

fn sg_nric(value: &str) -> bool {
    let Some(s) = exact_alnum::<9>(value, b"") else {
        return false;
    };
    if !s[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut d = [0u8; 7];
    for (o, &c) in d.iter_mut().zip(&s[1..8]) {
        *o = c - b'0';
    }
    let sum = weighted(&d, &[2, 7, 6, 5, 4, 3, 2]);
    let (offset, table): (u32, &[u8; 11]) = match s[0] {
        b'S' => (0, b"JZIHGFEDCBA"),
        b'T' => (4, b"JZIHGFEDCBA"),
        b'F' => (0, b"XWUTRQPNMLK"),
        b'G' => (4, b"XWUTRQPNMLK"),
        // M series (from 2022): table indexed by 10 - remainder.
        b'M' => (3, b"XWUTRQPNJLK"),
        _ => return false,
    };
    table[((sum + offset) % 11) as usize] == s[8]
}

fn nl_bsn(value: &str) -> bool {
    let Some(d) = exact_digits::<9>(value, SEPS) else {
        return false;
    };
    let sum = weighted(&d[..8], &[9, 8, 7, 6, 5, 4, 3, 2]) as i64 - i64::from(d[8]);
    !d.iter().all(|&x| x == 0) && sum % 11 == 0
}

fn pl_pesel(value: &str) -> bool {
    let Some(d) = exact_digits::<11>(value, b" ") else {
        return false;
    };
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let month_ok = matches!(month % 20, 1..=12);
    let check = (10 - weighted(&d[..10], &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10;
    month_ok && (1..=31).contains(&day) && check == u32::from(d[10])
}

fn se_personnummer(value: &str) -> bool {
    let b = value.as_bytes();
    // Digits, with at most one '-' or '+' (the latter for ages of 100+) before the last four.
    let mut buf = [0u8; 12];
    let mut len = 0;
    let mut sep_at = None;
    for &c in b {
        match c {
            b'0'..=b'9' => {
                if len == buf.len() {
                    return false;
                }
                buf[len] = c - b'0';
                len += 1;
            }
            b'-' | b'+' if sep_at.is_none() => sep_at = Some(len),
            _ => return false,
        }
    }
    if !(len == 10 || len == 12) || sep_at.is_some_and(|p| p != len - 4) {
        return false;
    }
    if len == 12 && !matches!(buf[0] * 10 + buf[1], 18..=20) {
        return false;
    }
    let d = &buf[len - 10..len];
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    // Coordination numbers (samordningsnummer) add 60 to the day.
    (1..=12).contains(&month) && matches!(day, 1..=31 | 61..=91) && luhn_ok(d)
}

fn de_tax_id(value: &str) -> bool {
    let Some(d) = exact_digits::<11>(value, b" /") else {
        return false;
    };
    if d[0] == 0 {
        return false;
    }
    // In the first ten digits exactly one digit occurs twice or three times (never three in a
    // row); every other digit at most once.
    let mut counts = [0u8; 10];
    for &x in &d[..10] {
        counts[usize::from(x)] += 1;
    }
    let repeated = counts.iter().filter(|&&c| c >= 2).count();
    let max = counts.iter().copied().max().unwrap_or(0);
    if repeated != 1 || max > 3 {
        return false;
    }
    if max == 3 && d[..10].windows(3).any(|w| w[0] == w[1] && w[1] == w[2]) {
        return false;
    }
    // ISO 7064 MOD 11,10.
    let mut product = 10u32;
    for &x in &d[..10] {
        let mut sum = (u32::from(x) + product) % 10;
        if sum == 0 {
            sum = 10;
        }
        product = (sum * 2) % 11;
    }
    let check = match 11 - product {
        10 => 0,
        c => c,
    };
    check == u32::from(d[10])
}

#[cfg(test)]
mod tests {
    use super::Validator::{self, *};

    fn ok(v: Validator, s: &str) {
        assert!(v.check(s), "{} should accept {s:?}", v.name());
    }
    fn no(v: Validator, s: &str) {
        assert!(!v.check(s), "{} should reject {s:?}", v.name());
    }

    #[test]
    fn names_round_trip() {
        for &v in Validator::ALL {
            assert_eq!(Validator::from_name(v.name()), Some(v));
        }
        assert_eq!(Validator::ALL.len(), 31);
        assert_eq!(Validator::from_name("nope"), None);
    }

    #[test]
    fn pem_body_needs_a_40_character_base64_run() {
        let v = Validator::PemBody;
        let run = "MIIEpAIBAAKCAQEAbvWOteoXu3VRbGkaBMeoErLz2W+/";
        ok(v, &format!("-----BEGIN RSA PRIVATE KEY-----\n{run}\n-----END RSA PRIVATE KEY-----"));
        // Inside a JSON string, where the line breaks are the two characters `\n`.
        ok(v, &format!("-----BEGIN EC PRIVATE KEY-----\\n{run}\\n-----END EC PRIVATE KEY-----"));
        no(v, "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----");
        no(v, "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA<your key here>\n-----END RSA PRIVATE KEY-----");
        // 39 characters, then a break: not a body.
        no(v, &format!("-----BEGIN PRIVATE KEY-----\n{}\n{}\n-----END PRIVATE KEY-----", &run[..39], &run[..39]));
    }

    #[test]
    fn never_panics_on_odd_input() {
        let inputs = [
            "",
            " ",
            "-",
            "@",
            ".",
            ":",
            "::",
            "é",
            "日本語",
            "\u{0}",
            "ghp_",
            "eyJ",
            "12",
            "A",
            "0000000000000000000000000000000000000000000000000000000000000000000000000",
            "ghp_ééééééééééééééééé",
            "1.2.3.4.5",
            "a@b@c",
            "@.",
            "x@.",
            "1:2:3:4:5:6:7:8:9",
            "DE89 3704 0044 0532 0130 00 ééé",
            "2AAAAAAAAAAAAAA",
            "M1234567é",
            "99999999999",
        ];
        for &v in Validator::ALL {
            for s in inputs {
                let _ = v.check(s);
            }
            let long = "9".repeat(10_000);
            let _ = v.check(&long);
        }
    }

    #[test]
    fn luhn() {
        ok(Luhn, "79927398713");
        ok(Luhn, "4539 1488 0343 6467");
        no(Luhn, "79927398710");
        no(Luhn, "7");
        no(Luhn, "12ab");
    }

    #[test]
    fn credit_card() {
        ok(CreditCard, "4111111111111111");
        ok(CreditCard, "4111 1111 1111 1111");
        ok(CreditCard, "4111-1111-1111-1111");
        ok(CreditCard, "4222222222222"); // Visa 13
        ok(CreditCard, "5555555555554444"); // Mastercard
        ok(CreditCard, "2223003122003222"); // Mastercard 2-series
        ok(CreditCard, "378282246310005"); // Amex
        ok(CreditCard, "3782 822463 10005");
        ok(CreditCard, "6011111111111117"); // Discover
        ok(CreditCard, "30569309025904"); // Diners 14
        ok(CreditCard, "3530111333300000"); // JCB
        ok(CreditCard, "6200000000000005"); // UnionPay
        ok(CreditCard, "6759649826438453"); // Maestro
        no(CreditCard, "4111111111111112"); // Luhn fails
        no(CreditCard, "1718100000123"); // epoch millis
        no(CreditCard, "1234567890123452"); // starts with 1
        no(CreditCard, "378282246310005 0");
        no(CreditCard, "37828224631000"); // Amex length 14
        no(CreditCard, "5555555555554"); // MC 13
        no(CreditCard, "9111111111111111");
        no(CreditCard, "4111_1111_1111_1111");
    }

    #[test]
    fn credit_card_rejects_epoch_millis() {
        // Every 13-digit number starting with 1 fails, Luhn-valid or not.
        for base in [1_718_100_000_000u64, 1_600_000_000_000, 1_999_999_999_990] {
            for k in 0..50 {
                no(CreditCard, &(base + k).to_string());
            }
        }
    }

    #[test]
    fn iban() {
        ok(Iban, "DE89370400440532013000");
        ok(Iban, "DE89 3704 0044 0532 0130 00");
        ok(Iban, "GB29NWBK60161331926819");
        ok(Iban, "GB29 NWBK 6016 1331 9268 19");
        ok(Iban, "NO9386011117947");
        ok(Iban, "FR1420041010050500013M02606");
        ok(Iban, "BR1800360305000010009795493C1");
        no(Iban, "DE89370400440532013001");
        no(Iban, "DE8937040044053201300"); // wrong length
        no(Iban, "XX89370400440532013000"); // unknown country
        no(Iban, "DE89-3704-0044-0532-0130-00");
        no(Iban, "DE00370400440532013000");
    }

    #[test]
    fn aba_routing() {
        ok(AbaRouting, "021000021");
        ok(AbaRouting, "011000015");
        ok(AbaRouting, "322271627");
        no(AbaRouting, "021000022");
        no(AbaRouting, "000000000");
        no(AbaRouting, "131000018"); // prefix 13 unused (checksum valid)
        no(AbaRouting, "02100002");
    }

    #[test]
    fn us_ssn() {
        ok(UsSsn, "123-45-6789");
        ok(UsSsn, "536 22 8726");
        ok(UsSsn, "536228726");
        no(UsSsn, "000-12-3456");
        no(UsSsn, "666-12-3456");
        no(UsSsn, "912-34-5678");
        no(UsSsn, "123-00-4567");
        no(UsSsn, "123-45-0000");
        no(UsSsn, "123-45-678");
        no(UsSsn, "123/45/6789");
    }

    #[test]
    fn us_itin() {
        ok(UsItin, "912-70-1234");
        ok(UsItin, "900-94-0000");
        ok(UsItin, "999 50 1234");
        no(UsItin, "912-69-1234");
        no(UsItin, "912-93-1234");
        no(UsItin, "812-70-1234");
        no(UsItin, "912-49-1234");
    }

    #[test]
    fn us_npi() {
        ok(UsNpi, "1234567893");
        ok(UsNpi, "1245319599");
        no(UsNpi, "1234567890");
        no(UsNpi, "3234567891");
        no(UsNpi, "123456789");
    }

    #[test]
    fn github_token() {
        // Body "A"*30; its CRC32 in base62 (computed with zlib) is the last 6 characters.
        ok(GithubToken, "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");
        ok(GithubToken, "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");
        no(GithubToken, "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0uCPls");
        no(GithubToken, "ghx_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAA0uCPlr");
        no(GithubToken, "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAA0uCPlr");
        no(GithubToken, "ghp_AAAAAAAAAAAAAAAAAAAAAAAAAAAAA-0uCPlr");
    }

    #[test]
    fn github_token_matches_crc() {
        let body = "Zx9QmR4tWb7Kp2Ls8Nv3Hc6Jd1Fg5Ye0";
        let body = &body[..30];
        let mut n = u64::from(crc32fast::hash(body.as_bytes()));
        let alphabet = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        let mut enc = [b'0'; 6];
        for slot in enc.iter_mut().rev() {
            *slot = alphabet[(n % 62) as usize];
            n /= 62;
        }
        let token = format!("ghs_{body}{}", std::str::from_utf8(&enc).unwrap());
        ok(GithubToken, &token);
    }

    #[test]
    fn jwt() {
        // {"alg":"HS256","typ":"JWT"}
        ok(Jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");
        // {"typ":"JWT","alg":"none"} with an empty signature.
        ok(Jwt, "eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        // {"typ":"JWT"} has no alg.
        no(Jwt, "eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4In0.c2ln");
        no(Jwt, "eyJhbGciOi.eyJzdWIiOiJ4In0.c2ln");
        no(Jwt, "bm90IGpzb24.eyJzdWIiOiJ4In0.c2ln"); // "not json"
        no(Jwt, "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9 .x");
    }

    #[test]
    fn ipv4() {
        ok(Ipv4, "192.168.1.10");
        ok(Ipv4, "8.8.8.8");
        ok(Ipv4, "10.0.0.1:8080");
        ok(Ipv4, "255.255.255.255");
        no(Ipv4, "0.0.0.0");
        no(Ipv4, "256.1.1.1");
        no(Ipv4, "01.2.3.4");
        no(Ipv4, "1.2.3");
        no(Ipv4, "1.2.3.4.5");
        no(Ipv4, "10.0.0.1:99999");
        no(Ipv4, "10.0.0.1:");
    }

    #[test]
    fn ipv6() {
        ok(Ipv6, "2001:0db8:85a3:0000:0000:8a2e:0370:7334");
        ok(Ipv6, "2001:db8::8a2e:370:7334");
        ok(Ipv6, "fe80::1");
        ok(Ipv6, "::ffff:192.0.2.128");
        no(Ipv6, "::");
        no(Ipv6, "12:34:56");
        no(Ipv6, "add::bed");
        no(Ipv6, "2001:db8:::1");
        no(Ipv6, "gggg::1");
    }

    #[test]
    fn mac() {
        ok(Mac, "00:1A:2B:3C:4D:5E");
        ok(Mac, "00-1a-2b-3c-4d-5e");
        ok(Mac, "001a.2b3c.4d5e");
        no(Mac, "00:1A-2B:3C:4D:5E");
        no(Mac, "00:00:00:00:00:00");
        no(Mac, "ff:ff:ff:ff:ff:ff");
        no(Mac, "00:1A:2B:3C:4D");
        no(Mac, "0G:1A:2B:3C:4D:5E");
    }

    #[test]
    fn email() {
        ok(Email, "jane.doe@example.com");
        ok(Email, "j+tag@mail.example.co.uk");
        ok(Email, "o'brien@example.ie");
        ok(Email, "user@bücher.example.de");
        no(Email, "logo@2x.png");
        no(Email, "lodash@4.17.21");
        no(Email, "user@localhost");
        no(Email, "user@example.c");
        no(Email, "a..b@example.com");
        no(Email, ".a@example.com");
        no(Email, "a@-example.com");
        no(Email, "a@b@example.com");
        no(Email, "@example.com");
    }

    #[test]
    fn uk_nino() {
        ok(UkNino, "AB123456C");
        ok(UkNino, "AB 12 34 56 C");
        ok(UkNino, "JG103759A");
        no(UkNino, "DA123456C");
        no(UkNino, "AO123456C");
        no(UkNino, "GB123456A");
        no(UkNino, "AB123456E");
        no(UkNino, "AB12345C");
    }

    #[test]
    fn uk_nhs() {
        ok(UkNhs, "9434765919");
        ok(UkNhs, "943 476 5919");
        no(UkNhs, "9434765918");
        no(UkNhs, "0000000000");
        no(UkNhs, "943476591");
    }

    #[test]
    fn ca_sin() {
        ok(CaSin, "130-692-544");
        ok(CaSin, "273 948 711");
        no(CaSin, "130 692 545");
        no(CaSin, "046 454 286"); // Luhn-valid, first digit 0 (not issued)
        no(CaSin, "046454");
        no(CaSin, "800000002"); // Luhn-valid, first digit 8
        no(CaSin, "000000000");
    }

    #[test]
    fn in_aadhaar() {
        ok(InAadhaar, "234123412346");
        ok(InAadhaar, "2341 2341 2346");
        no(InAadhaar, "234123412347");
        no(InAadhaar, "123412341234");
        no(InAadhaar, "23412341234");
    }

    #[test]
    fn in_pan() {
        ok(InPan, "ABCPE1234F");
        ok(InPan, "AAACB9999Z");
        no(InPan, "ABCXE1234F");
        no(InPan, "ABCPE1234");
        no(InPan, "abcpe1234f");
        no(InPan, "ABCP11234F");
    }

    #[test]
    fn br_cpf() {
        ok(BrCpf, "123.456.789-09");
        ok(BrCpf, "12345678909");
        no(BrCpf, "123.456.789-08");
        no(BrCpf, "111.111.111-11");
        no(BrCpf, "1234567890");
    }

    #[test]
    fn br_cnpj() {
        ok(BrCnpj, "11.222.333/0001-81");
        ok(BrCnpj, "11222333000181");
        ok(BrCnpj, "12.ABC.345/01DE-35"); // alphanumeric CNPJ (from 2026)
        no(BrCnpj, "11.222.333/0001-82");
        no(BrCnpj, "00.000.000/0000-00");
        no(BrCnpj, "1122233300018");
    }

    #[test]
    fn fr_nir() {
        ok(FrNir, "1 85 05 78 006 084 91");
        ok(FrNir, "185057800608491");
        ok(FrNir, "2 90 12 2A 004 123 67");
        no(FrNir, "1 85 05 78 006 084 92");
        no(FrNir, "5 85 05 78 006 084 91");
        no(FrNir, "1 85 15 78 006 084 57");
        no(FrNir, "18505780060849");
    }

    #[test]
    fn es_dni() {
        ok(EsDni, "12345678Z");
        ok(EsDni, "12345678-Z");
        no(EsDni, "12345678A");
        no(EsDni, "1234567Z");
        no(EsDni, "X2345678Z");
    }

    #[test]
    fn es_nie() {
        ok(EsNie, "X1234567L");
        ok(EsNie, "Y-1234567-X");
        no(EsNie, "X1234567A");
        no(EsNie, "A1234567L");
        no(EsNie, "X123456L");
    }

    #[test]
    fn it_codice_fiscale() {
        ok(ItCodiceFiscale, "RSSMRA85T10A562S");
        ok(ItCodiceFiscale, "RSSMRA85T10A56NH"); // omocodic variant
        no(ItCodiceFiscale, "RSSMRA85T10A562T");
        no(ItCodiceFiscale, "RSSMRA85F10A562S"); // F is not a month letter
        no(ItCodiceFiscale, "RSSMRA85T10A562");
        no(ItCodiceFiscale, "RSSMRA85T99A562S");
    }

    #[test]
    fn au_tfn() {
        ok(AuTfn, "123 456 782");
        ok(AuTfn, "876543210");
        ok(AuTfn, "12345677"); // 8-digit form
        no(AuTfn, "123 456 789");
        no(AuTfn, "000000000");
        no(AuTfn, "1234567");
    }

    #[test]
    fn sg_nric() {
        ok(SgNric, "S1234567D");
        ok(SgNric, "T0123456G");
        ok(SgNric, "F1234567N");
        ok(SgNric, "M1234567K");
        no(SgNric, "S1234567A");
        no(SgNric, "M1234567L");
        no(SgNric, "X1234567D");
        no(SgNric, "S123456D");
    }

    #[test]
    fn nl_bsn() {
        ok(NlBsn, "111222333");
        ok(NlBsn, "1112.22.333");
        no(NlBsn, "111222334");
        no(NlBsn, "000000000");
        no(NlBsn, "11122233");
    }

    #[test]
    fn pl_pesel() {
        ok(PlPesel, "44051401359");
        ok(PlPesel, "02271409867"); // born 2002 (month + 20)
        no(PlPesel, "44051401358");
        no(PlPesel, "44151401352"); // month 15
        no(PlPesel, "4405140135");
    }

    #[test]
    fn se_personnummer() {
        ok(SePersonnummer, "811228-9874");
        ok(SePersonnummer, "8112289874");
        ok(SePersonnummer, "19811228-9874");
        ok(SePersonnummer, "811228+9874");
        ok(SePersonnummer, "701063-2391"); // samordningsnummer (day + 60)
        no(SePersonnummer, "811228-9875");
        no(SePersonnummer, "811328-9874");
        no(SePersonnummer, "81122-89874");
        no(SePersonnummer, "99811228-9874");
    }

    #[test]
    fn de_tax_id() {
        ok(DeTaxId, "86095742719");
        ok(DeTaxId, "86 095 742 719");
        no(DeTaxId, "86095742710");
        no(DeTaxId, "01234567891");
        no(DeTaxId, "12345678903"); // no repeated digit
        no(DeTaxId, "1109574271");
    }
}
