#include "server/core/exposition.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace localca::server {

namespace {

// The format escapes backslashes and newlines everywhere, and double quotes inside label values.
std::string escaped(std::string_view text, bool quotes) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '"' && quotes) {
            out += "\\\"";
        } else {
            out += c;
        }
    }
    return out;
}

} // namespace

std::string exposition::escape_label(std::string_view value) {
    return escaped(value, true);
}

std::string exposition::escape_help(std::string_view help) {
    return escaped(help, false);
}

std::string exposition::number(double value) {
    if (std::isnan(value)) {
        return "NaN";
    }
    if (std::isinf(value)) {
        return value > 0 ? "+Inf" : "-Inf";
    }
    char buf[64];
    // Whole numbers up to 2^53 as integers: counters read "12", not "1.2e+01".
    if (value == std::trunc(value) && std::fabs(value) < 9007199254740992.0) {
        const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, static_cast<long long>(value));
        return std::string(buf, end);
    }
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return std::string(buf, end);
}

void exposition::family(const std::string& name, kind type, std::string_view help) {
    if (!m_families.insert(name).second) {
        throw std::logic_error("metric family rendered twice: " + name);
    }
    m_name = name;
    m_kind = type;
    const char* type_name = type == kind::counter ? "counter"
                            : type == kind::gauge ? "gauge"
                                                  : "histogram";
    m_text += "# HELP " + name + " " + escape_help(help) + "\n";
    m_text += "# TYPE " + name + " " + type_name + "\n";
}

void exposition::line(std::string_view name, const metric_labels& labels, const std::string* le,
                      std::string_view value) {
    m_text += name;
    if (!labels.empty() || le) {
        char separator = '{';
        for (const auto& [k, v] : labels) {
            m_text += separator;
            m_text += k;
            m_text += "=\"";
            m_text += escape_label(v);
            m_text += '"';
            separator = ',';
        }
        if (le) {
            m_text += separator;
            m_text += "le=\"";
            m_text += *le;
            m_text += '"';
        }
        m_text += '}';
    }
    m_text += ' ';
    m_text += value;
    m_text += '\n';
}

void exposition::sample(const metric_labels& labels, double value) {
    if (m_name.empty() || m_kind == kind::histogram) {
        throw std::logic_error("exposition::sample outside a counter or gauge family");
    }
    line(m_name, labels, nullptr, number(value));
}

void exposition::histogram(const metric_labels& labels, const storage::histogram_snapshot& h) {
    if (m_kind != kind::histogram) {
        throw std::logic_error("exposition::histogram outside a histogram family");
    }
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < h.buckets.size(); ++i) {
        cumulative += h.buckets[i];
        const std::string le = i < h.bounds.size() ? number(h.bounds[i]) : "+Inf";
        line(m_name + "_bucket", labels, &le, std::to_string(cumulative));
    }
    line(m_name + "_sum", labels, nullptr, number(h.sum));
    line(m_name + "_count", labels, nullptr, std::to_string(cumulative));
}

} // namespace localca::server
