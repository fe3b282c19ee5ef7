#include "ca/enos/device_query.hpp"

#include <cctype>
#include <vector>

namespace localca::ca::enos {

namespace {

enum class token_kind { word, string, symbol, end };

struct token {
    token_kind kind = token_kind::end;
    std::string text;
};

// Words (field names, keywords), quoted strings, and the symbols = ( ) ,
class lexer {
public:
    explicit lexer(const std::string& s) : m_s(s) {}

    // False with *problem set on an unterminated string or an unexpected character.
    bool next(token* t, std::string* problem) {
        while (m_pos < m_s.size() && std::isspace(static_cast<unsigned char>(m_s[m_pos]))) {
            ++m_pos;
        }
        if (m_pos >= m_s.size()) {
            *t = {token_kind::end, ""};
            return true;
        }
        const char c = m_s[m_pos];
        if (c == '\'' || c == '"') {
            std::string value;
            ++m_pos;
            while (m_pos < m_s.size()) {
                if (m_s[m_pos] == c) {
                    if (m_pos + 1 < m_s.size() && m_s[m_pos + 1] == c) { // doubled quote
                        value += c;
                        m_pos += 2;
                        continue;
                    }
                    ++m_pos;
                    *t = {token_kind::string, value};
                    return true;
                }
                value += m_s[m_pos++];
            }
            *problem = "unterminated string";
            return false;
        }
        if (c == '=' || c == '(' || c == ')' || c == ',') {
            ++m_pos;
            *t = {token_kind::symbol, std::string(1, c)};
            return true;
        }
        const auto word_char = [](char ch) {
            return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '.';
        };
        if (word_char(c)) {
            const auto start = m_pos;
            while (m_pos < m_s.size() && word_char(m_s[m_pos])) {
                ++m_pos;
            }
            *t = {token_kind::word, m_s.substr(start, m_pos - start)};
            return true;
        }
        *problem = std::string("unexpected character '") + c + "'";
        return false;
    }

private:
    const std::string& m_s;
    std::size_t m_pos = 0;
};

std::string lower(std::string s) {
    for (auto& c : s) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return s;
}

// A locale as EnOS writes them (zh_CN, en_US): letters, digits and underscores only, which also
// keeps it safe inside the JSON path the repository builds from it.
bool valid_locale(const std::string& s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
            return false;
        }
    }
    return true;
}

// Intersection of an earlier list condition on the same field with a new one (AND).
void narrow(std::optional<std::vector<std::string>>& slot, std::vector<std::string> values) {
    if (!slot) {
        slot = std::move(values);
        return;
    }
    std::vector<std::string> both;
    for (const auto& v : *slot) {
        for (const auto& w : values) {
            if (v == w) {
                both.push_back(v);
                break;
            }
        }
    }
    slot = std::move(both);
}

} // namespace

parsed_expression parse_device_expression(const std::string& expression) {
    parsed_expression out;
    storage::enos::device_filter f;
    lexer lex(expression);
    token t;
    std::string problem;
    const auto fail = [&](std::string why) {
        out.filter.reset();
        out.problem = std::move(why);
        return out;
    };
    if (!lex.next(&t, &problem)) {
        return fail(problem);
    }
    if (t.kind == token_kind::end) {
        out.filter = f;
        return out;
    }
    bool have_name = false;
    while (true) {
        if (t.kind != token_kind::word) {
            return fail("a field name was expected");
        }
        const std::string field = t.text;
        token op;
        if (!lex.next(&op, &problem)) {
            return fail(problem);
        }
        const bool is_eq = op.kind == token_kind::symbol && op.text == "=";
        const bool is_in = op.kind == token_kind::word && lower(op.text) == "in";
        const bool is_like = op.kind == token_kind::word && lower(op.text) == "like";
        if (!is_eq && !is_in && !is_like) {
            return fail("an operator (=, in, like) was expected after " + field);
        }
        std::vector<std::string> values;
        if (is_in) {
            token open;
            if (!lex.next(&open, &problem)) {
                return fail(problem);
            }
            if (open.kind != token_kind::symbol || open.text != "(") {
                return fail("'(' was expected after in");
            }
            while (true) {
                token v;
                if (!lex.next(&v, &problem)) {
                    return fail(problem);
                }
                if (v.kind != token_kind::string) {
                    return fail("a quoted value was expected in the list of " + field);
                }
                values.push_back(v.text);
                token sep;
                if (!lex.next(&sep, &problem)) {
                    return fail(problem);
                }
                if (sep.kind == token_kind::symbol && sep.text == ")") {
                    break;
                }
                if (sep.kind != token_kind::symbol || sep.text != ",") {
                    return fail("',' or ')' was expected in the list of " + field);
                }
            }
        } else {
            token v;
            if (!lex.next(&v, &problem)) {
                return fail(problem);
            }
            if (v.kind != token_kind::string) {
                return fail("a quoted value was expected after " + field);
            }
            values.push_back(v.text);
        }

        const bool list_field = field == "productKey" || field == "deviceKey" || field == "assetId";
        if (list_field) {
            if (is_like) {
                return fail(field + " supports = and in only");
            }
            auto& slot = field == "productKey"  ? f.product_keys
                         : field == "deviceKey" ? f.device_keys
                                                : f.asset_ids;
            narrow(slot, std::move(values));
        } else if (field == "productType") {
            if (!is_eq) {
                return fail("productType supports = only");
            }
            if (values[0] == "Gateway") {
                f.match_nothing = true; // LocalCA has no gateways
            } else if (values[0] != "Device") {
                return fail("productType must be Device or Gateway");
            }
        } else if (field == "status") {
            if (!is_eq) {
                return fail("status supports = only");
            }
            const auto& s = values[0];
            if (s == "disable") {
                if (f.disabled && !*f.disabled) {
                    f.match_nothing = true;
                }
                f.disabled = true;
            } else if (s == "inactive") {
                if (f.disabled && *f.disabled) {
                    f.match_nothing = true;
                }
                f.disabled = false;
            } else if (s == "online" || s == "offline") {
                f.match_nothing = true; // no device is ever connected to LocalCA
            } else {
                return fail("status must be inactive, online, offline or disable");
            }
        } else if (field == "deviceName" || field.rfind("deviceName.", 0) == 0) {
            if (!is_like) {
                return fail("deviceName supports like only");
            }
            if (have_name) {
                return fail("deviceName may be given once");
            }
            have_name = true;
            std::string locale;
            if (field != "deviceName") {
                locale = field.substr(std::string("deviceName.").size());
                if (!valid_locale(locale)) {
                    return fail("invalid locale in " + field);
                }
            }
            f.name_locale = locale;
            f.name_contains = values[0];
        } else {
            return fail("unknown field " + field);
        }

        if (!lex.next(&t, &problem)) {
            return fail(problem);
        }
        if (t.kind == token_kind::end) {
            break;
        }
        if (t.kind != token_kind::word || lower(t.text) != "and") {
            return fail("'and' was expected between conditions");
        }
        if (!lex.next(&t, &problem)) {
            return fail(problem);
        }
    }
    out.filter = std::move(f);
    return out;
}

} // namespace localca::ca::enos
