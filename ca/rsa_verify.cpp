#include "ca/rsa_verify.hpp"

#include "ca/fingerprint.hpp"

#include <botan/ber_dec.h>
#include <botan/bigint.h>

#include <algorithm>
#include <array>
#include <stdexcept>

namespace localca::ca {

namespace {

constexpr std::size_t k_modulus_bytes = 256;
constexpr std::size_t k_limbs = k_modulus_bytes / 8;

using limb = std::uint64_t;
using wide = unsigned __int128;
using number = std::array<limb, k_limbs>; // little-endian limbs

number from_big_endian(std::span<const std::uint8_t> bytes) {
    // bytes.size() <= k_modulus_bytes, checked by the callers.
    number out{};
    std::size_t bit = 0;
    for (auto it = bytes.rbegin(); it != bytes.rend(); ++it, bit += 8) {
        out[bit / 64] |= limb(*it) << (bit % 64);
    }
    return out;
}

std::array<std::uint8_t, k_modulus_bytes> to_big_endian(const number& x) {
    std::array<std::uint8_t, k_modulus_bytes> out{};
    for (std::size_t i = 0; i < k_modulus_bytes; ++i) {
        out[k_modulus_bytes - 1 - i] = static_cast<std::uint8_t>(x[i / 8] >> (8 * (i % 8)));
    }
    return out;
}

bool less_than(const number& a, const number& b) {
    for (std::size_t i = k_limbs; i-- > 0;) {
        if (a[i] != b[i]) {
            return a[i] < b[i];
        }
    }
    return false;
}

// a -= b, returning the borrow.
limb subtract(number& a, const number& b) {
    limb borrow = 0;
    for (std::size_t i = 0; i < k_limbs; ++i) {
        const wide d = wide(a[i]) - b[i] - borrow;
        a[i] = static_cast<limb>(d);
        borrow = static_cast<limb>(d >> 64) & 1;
    }
    return borrow;
}

// Montgomery arithmetic modulo an odd n with R = 2^2048.
class montgomery {
public:
    explicit montgomery(const number& n) : m_n(n) {
        // -n^-1 mod 2^64 by Newton's iteration: x = n0 is right to 3 bits for odd n0, and each
        // step doubles the correct bits (3, 6, 12, 24, 48, 96).
        limb x = n[0];
        for (int i = 0; i < 5; ++i) {
            x *= 2 - n[0] * x;
        }
        m_n0_inv = ~x + 1;

        // R mod n = 2^2048 - n, because 2^2047 <= n < 2^2048.
        number r = n;
        for (auto& w : r) {
            w = ~w;
        }
        add_one(r);
        // R * 2^64 mod n by 64 doublings, then R^2 = R * 2^2048 by five Montgomery squarings:
        // mul(R * 2^k, R * 2^k) = R * 2^2k, and 64 * 2^5 = 2048. No division anywhere.
        for (int i = 0; i < 64; ++i) {
            double_mod(r);
        }
        for (int i = 0; i < 5; ++i) {
            r = mul(r, r);
        }
        m_r2 = r;
    }

    // a * b * R^-1 mod n for a, b < n (CIOS), fully reduced.
    number mul(const number& a, const number& b) const {
        std::array<limb, k_limbs + 2> t{};
        for (std::size_t i = 0; i < k_limbs; ++i) {
            limb carry = 0;
            for (std::size_t j = 0; j < k_limbs; ++j) {
                const wide s = wide(a[j]) * b[i] + t[j] + carry;
                t[j] = static_cast<limb>(s);
                carry = static_cast<limb>(s >> 64);
            }
            wide s = wide(t[k_limbs]) + carry;
            t[k_limbs] = static_cast<limb>(s);
            t[k_limbs + 1] = static_cast<limb>(s >> 64);

            const limb m = t[0] * m_n0_inv;
            s = wide(m) * m_n[0] + t[0];
            carry = static_cast<limb>(s >> 64);
            for (std::size_t j = 1; j < k_limbs; ++j) {
                s = wide(m) * m_n[j] + t[j] + carry;
                t[j - 1] = static_cast<limb>(s);
                carry = static_cast<limb>(s >> 64);
            }
            s = wide(t[k_limbs]) + carry;
            t[k_limbs - 1] = static_cast<limb>(s);
            t[k_limbs] = t[k_limbs + 1] + static_cast<limb>(s >> 64);
        }
        number out;
        std::copy_n(t.begin(), k_limbs, out.begin());
        // The result is below 2n: one conditional subtraction reduces it.
        if (t[k_limbs] != 0 || !less_than(out, m_n)) {
            subtract(out, m_n);
        }
        return out;
    }

    // base^e mod n for base < n.
    number power(const number& base, std::uint32_t e) const {
        const number base_m = mul(base, m_r2); // base * R
        number acc = base_m;
        int top = 31;
        while (((e >> top) & 1) == 0) {
            --top;
        }
        for (int bit = top - 1; bit >= 0; --bit) {
            acc = mul(acc, acc);
            if ((e >> bit) & 1) {
                acc = mul(acc, base_m);
            }
        }
        number one{};
        one[0] = 1;
        return mul(acc, one); // out of the Montgomery domain
    }

private:
    static void add_one(number& x) {
        for (auto& w : x) {
            if (++w != 0) {
                break;
            }
        }
    }

    void double_mod(number& x) const {
        limb carry = 0;
        for (auto& w : x) {
            const limb next = w >> 63;
            w = (w << 1) | carry;
            carry = next;
        }
        if (carry != 0 || !less_than(x, m_n)) {
            subtract(x, m_n);
        }
    }

    number m_n;
    number m_r2{};
    limb m_n0_inv = 0;
};

// EMSA-PKCS1-v1_5 (RFC 8017 9.2) for SHA-256 and a 256-byte modulus.
std::array<std::uint8_t, k_modulus_bytes> encoded_message(std::span<const std::uint8_t> message) {
    static constexpr std::uint8_t k_digest_info[] = {0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60,
                                                     0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
                                                     0x01, 0x05, 0x00, 0x04, 0x20};
    const auto hash = sha256(message.data(), message.size());
    std::array<std::uint8_t, k_modulus_bytes> em{};
    const std::size_t t_len = sizeof(k_digest_info) + hash.size();
    em[0] = 0x00;
    em[1] = 0x01;
    std::fill(em.begin() + 2, em.end() - t_len - 1, 0xff);
    em[k_modulus_bytes - t_len - 1] = 0x00;
    auto out = std::copy(std::begin(k_digest_info), std::end(k_digest_info),
                         em.end() - static_cast<std::ptrdiff_t>(t_len));
    std::copy(hash.begin(), hash.end(), out);
    return em;
}

} // namespace

rsa_key_check decode_rsa_public_key(std::span<const std::uint8_t> der) {
    Botan::BigInt n;
    Botan::BigInt e;
    try {
        Botan::BER_Decoder(der.data(), der.size())
            .start_cons(Botan::SEQUENCE)
            .decode(n)
            .decode(e)
            .end_cons()
            .verify_end();
    } catch (const std::exception&) {
        throw std::invalid_argument("invalid RSA public key");
    }
    rsa_key_check out;
    if (!n.is_positive() || !e.is_positive()) {
        throw std::invalid_argument("invalid RSA public key");
    }
    if (n.bits() != 2048) {
        out.refusal =
            "RSA key is " + std::to_string(n.bits()) + " bits; the RSA authority requires 2048";
        return out;
    }
    if (n.is_even() || e.is_even() || e < 3 || e.bits() > 32) {
        out.refusal = "RSA public key is invalid (the modulus must be odd and the exponent an odd "
                      "number from 3 to 2^32-1)";
        return out;
    }
    rsa_public_numbers key;
    const auto modulus = Botan::BigInt::encode_1363(n, k_modulus_bytes); // n has 2048 bits
    key.modulus.assign(modulus.begin(), modulus.end());
    key.exponent = static_cast<std::uint32_t>(e.word_at(0));
    out.key = std::move(key);
    return out;
}

bool verify_rsa_pkcs1_sha256(const rsa_public_numbers& key, std::span<const std::uint8_t> message,
                             std::span<const std::uint8_t> signature) {
    if (key.modulus.size() != k_modulus_bytes || (key.modulus[0] & 0x80) == 0 ||
        (key.modulus.back() & 1) == 0 || key.exponent < 3 || (key.exponent & 1) == 0) {
        throw std::invalid_argument("verify_rsa_pkcs1_sha256: key outside the RSA-2048 policy");
    }
    // RFC 8017 8.2.2 step 1 asks for exactly k bytes; like Botan we also take shorter encodings
    // of the same integer (leading zero bytes dropped by some signers).
    if (signature.empty() || signature.size() > k_modulus_bytes) {
        return false;
    }
    const number n = from_big_endian(key.modulus);
    const number s = from_big_endian(signature);
    if (!less_than(s, n)) {
        return false;
    }
    const montgomery mont(n);
    const auto em = to_big_endian(mont.power(s, key.exponent));
    return em == encoded_message(message);
}

} // namespace localca::ca
