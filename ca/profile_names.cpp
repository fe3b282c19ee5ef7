#include "ca/profile_names.hpp"

#include <cctype>
#include <utility>

namespace localca::ca {

namespace {

bool is_dotted_oid(std::string_view s) {
    if (s.empty() || s.front() == '.' || s.back() == '.' ||
        s.find_first_not_of("0123456789.") != std::string_view::npos ||
        s.find("..") != std::string_view::npos || s.find('.') == std::string_view::npos) {
        return false;
    }
    try {
        Botan::OID oid{std::string(s)};
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

} // namespace

std::optional<Botan::Key_Constraints> parse_key_usage(const std::vector<std::string>& names) {
    static const std::pair<const char*, Botan::Key_Constraints> k_names[] = {
        {"digitalSignature", Botan::DIGITAL_SIGNATURE},
        {"nonRepudiation", Botan::NON_REPUDIATION},
        {"keyEncipherment", Botan::KEY_ENCIPHERMENT},
        {"dataEncipherment", Botan::DATA_ENCIPHERMENT},
        {"keyAgreement", Botan::KEY_AGREEMENT},
    };
    int bits = 0;
    for (const auto& n : names) {
        bool known = false;
        for (const auto& [name, bit] : k_names) {
            if (n == name) {
                bits |= bit;
                known = true;
            }
        }
        if (!known) {
            return std::nullopt;
        }
    }
    return static_cast<Botan::Key_Constraints>(bits);
}

std::optional<std::vector<Botan::OID>>
parse_extended_key_usage(const std::vector<std::string>& names) {
    static const std::pair<const char*, const char*> k_names[] = {
        {"serverAuth", "1.3.6.1.5.5.7.3.1"},   {"clientAuth", "1.3.6.1.5.5.7.3.2"},
        {"codeSigning", "1.3.6.1.5.5.7.3.3"},  {"emailProtection", "1.3.6.1.5.5.7.3.4"},
        {"timeStamping", "1.3.6.1.5.5.7.3.8"}, {"OCSPSigning", "1.3.6.1.5.5.7.3.9"},
    };
    std::vector<Botan::OID> out;
    for (const auto& n : names) {
        std::optional<Botan::OID> oid;
        for (const auto& [name, dotted] : k_names) {
            if (n == name) {
                oid = Botan::OID(dotted);
            }
        }
        if (!oid && is_dotted_oid(n)) {
            oid = Botan::OID(n);
        }
        if (!oid) {
            return std::nullopt;
        }
        out.push_back(*oid);
    }
    return out;
}

std::optional<Botan::OID> parse_subject_attribute(std::string_view name) {
    static const std::pair<const char*, const char*> k_names[] = {
        {"CN", "2.5.4.3"},
        {"SERIALNUMBER", "2.5.4.5"},
        {"C", "2.5.4.6"},
        {"L", "2.5.4.7"},
        {"ST", "2.5.4.8"},
        {"O", "2.5.4.10"},
        {"OU", "2.5.4.11"},
        {"E", "1.2.840.113549.1.9.1"},
        {"emailAddress", "1.2.840.113549.1.9.1"},
    };
    for (const auto& [n, dotted] : k_names) {
        if (name == n) {
            return Botan::OID(dotted);
        }
    }
    if (is_dotted_oid(name)) {
        return Botan::OID(std::string(name));
    }
    return std::nullopt;
}

std::string key_type_of(authority_kind kind) {
    return kind == authority_kind::rsa ? "RSA-2048" : "P-256";
}

bool key_type_known(std::string_view type) {
    return type == "RSA-2048" || type == "P-256";
}

std::vector<std::string> split_words(std::string_view text) {
    std::vector<std::string> out;
    std::string word;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!word.empty()) {
                out.push_back(std::move(word));
                word.clear();
            }
        } else {
            word += c;
        }
    }
    if (!word.empty()) {
        out.push_back(std::move(word));
    }
    return out;
}

std::string join_words(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) {
        if (!out.empty()) {
            out += ' ';
        }
        out += w;
    }
    return out;
}

} // namespace localca::ca
