#include "tools/localca/json_reader.hpp"

#include <algorithm>

namespace localca::tools {

namespace json = boost::json;

void json_node::fail(std::string_view problem) const {
    throw json_error((m_path.empty() ? std::string("(top level)") : m_path) + ": " +
                     std::string(problem));
}

void json_node::require_object(std::initializer_list<std::string_view> allowed) const {
    if (!m_v->is_object()) {
        fail("must be an object");
    }
    for (const auto& kv : m_v->as_object()) {
        const std::string_view key = kv.key();
        if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
            json_node(kv.value(), m_path.empty() ? std::string(key)
                                                 : m_path + "." + std::string(key))
                .fail("unknown key");
        }
    }
}

bool json_node::has(std::string_view key) const {
    return m_v->is_object() && m_v->as_object().contains(key);
}

std::optional<json_node> json_node::find(std::string_view key) const {
    if (!m_v->is_object()) {
        fail("must be an object");
    }
    const auto* v = m_v->as_object().if_contains(key);
    if (!v) {
        return std::nullopt;
    }
    return json_node(*v, m_path.empty() ? std::string(key) : m_path + "." + std::string(key));
}

json_node json_node::at(std::string_view key) const {
    auto n = find(key);
    if (!n) {
        json_node(*m_v, m_path.empty() ? std::string(key) : m_path + "." + std::string(key))
            .fail("is required");
    }
    return *n;
}

std::size_t json_node::array_size() const {
    if (!m_v->is_array()) {
        fail("must be an array");
    }
    return m_v->as_array().size();
}

json_node json_node::operator[](std::size_t i) const {
    return json_node(m_v->as_array().at(i), m_path + "[" + std::to_string(i) + "]");
}

std::string json_node::as_string() const {
    if (!m_v->is_string()) {
        fail("must be a string");
    }
    return std::string(m_v->as_string());
}

std::string json_node::as_nonempty_string() const {
    if (!m_v->is_string() || m_v->as_string().empty()) {
        fail("must be a non-empty string");
    }
    return std::string(m_v->as_string());
}

bool json_node::as_bool() const {
    if (!m_v->is_bool()) {
        fail("must be true or false");
    }
    return m_v->as_bool();
}

std::int64_t json_node::as_positive_integer() const {
    if (m_v->is_int64() && m_v->as_int64() > 0) {
        return m_v->as_int64();
    }
    if (m_v->is_uint64() && m_v->as_uint64() > 0 &&
        m_v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(m_v->as_uint64());
    }
    fail("must be a positive integer");
}

std::int64_t json_node::as_integer_in(std::int64_t lo, std::int64_t hi) const {
    std::int64_t v = 0;
    if (m_v->is_int64()) {
        v = m_v->as_int64();
    } else if (m_v->is_uint64() && m_v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        v = static_cast<std::int64_t>(m_v->as_uint64());
    } else {
        fail("must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    if (v < lo || v > hi) {
        fail("must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi));
    }
    return v;
}

json::value parse_json_text(std::string_view text, std::string_view what) {
    boost::system::error_code ec;
    json::parse_options po;
    po.allow_comments = false;
    auto v = json::parse(text, ec, {}, po);
    if (ec) {
        throw json_error(std::string(what) + ": invalid JSON: " + ec.message());
    }
    return v;
}

} // namespace localca::tools
