#include "ca/der_reader.hpp"

#include <string>

namespace localca::ca {

namespace {

[[noreturn]] void fail(const char* problem, const char* what) {
    throw der_error(std::string(problem) + what);
}

constexpr std::uint8_t k_constructed = 0x20;
constexpr std::uint8_t k_high_tag_number = 0x1f;

std::size_t walk_ber(der_bytes in, int depth) {
    if (depth >= k_max_ber_depth) {
        throw der_error("nested too deep");
    }
    const tlv_header h = read_tlv_header(in, tlv_rules::ber, "value");
    std::size_t i = h.header_size;
    if (!h.length) {
        // Indefinite: elements up to the end-of-contents octets (00 00), which must be there —
        // Botan's decoder would otherwise stop silently at the end of the input.
        for (;;) {
            if (i + 2 > in.size()) {
                throw der_error("missing end-of-contents");
            }
            if (in[i] == 0 && in[i + 1] == 0) {
                return i + 2;
            }
            i += walk_ber(in.subspan(i), depth + 1);
        }
    }
    const std::size_t len = *h.length;
    if (len > in.size() - i) {
        throw der_error("length beyond the data");
    }
    if ((h.tag & k_constructed) != 0) {
        for (std::size_t j = 0; j < len;) {
            j += walk_ber(in.subspan(i + j, len - j), depth + 1);
        }
    }
    return i + len;
}

} // namespace

tlv_header read_tlv_header(der_bytes in, tlv_rules rules, const char* what) {
    const bool der = rules == tlv_rules::der;
    if (in.size() < 2) {
        fail("truncated ", what);
    }
    tlv_header h;
    std::size_t i = 0;
    h.tag = in[i++];
    if ((h.tag & k_high_tag_number) == k_high_tag_number) {
        if (der) {
            fail("unsupported high tag number in ", what);
        }
        // At most 4 more identifier octets: no tag number we accept needs more.
        do {
            if (i >= in.size() || i >= 5) {
                fail("bad tag in ", what);
            }
        } while ((in[i++] & 0x80) != 0);
        if (i >= in.size()) {
            fail("truncated length in ", what);
        }
    }
    const std::uint8_t first = in[i++];
    if (first == 0x80) {
        if (der) {
            fail("indefinite length in ", what);
        }
        if ((h.tag & k_constructed) == 0) {
            fail("indefinite length on a primitive ", what);
        }
        h.header_size = i;
        return h;
    }
    std::size_t length = first;
    if (first > 0x80) {
        const std::size_t count = first & 0x7f;
        if (count > 4 || in.size() - i < count) {
            fail("bad length in ", what);
        }
        length = 0;
        for (std::size_t k = 0; k < count; ++k) {
            length = (length << 8) | in[i++];
        }
        // DER: the shortest form, so the same value has only one encoding.
        if (der && (length < 0x80 || in[i - count] == 0)) {
            fail("non-minimal length in ", what);
        }
    }
    h.header_size = i;
    h.length = length;
    return h;
}

der_element der_reader::next(const char* what) {
    const der_bytes rest = m_data.subspan(m_pos);
    const tlv_header h = read_tlv_header(rest, tlv_rules::der, what);
    const std::size_t length = *h.length; // der rules: always definite
    if (rest.size() - h.header_size < length) {
        fail("truncated ", what);
    }
    der_element e;
    e.tag = h.tag;
    e.whole = rest.first(h.header_size + length);
    e.value = e.whole.subspan(h.header_size);
    m_pos += e.whole.size();
    return e;
}

der_element der_reader::expect(std::uint8_t tag, const char* what) {
    auto e = next(what);
    if (e.tag != tag) {
        throw der_error(std::string("unexpected element where ") + what + " was expected");
    }
    return e;
}

void der_reader::expect_end(const char* what) {
    if (!at_end()) {
        fail("unexpected data after ", what);
    }
}

std::size_t ber_tlv_size(der_bytes in) {
    return walk_ber(in, 0);
}

} // namespace localca::ca
