#pragma once
// Strict reading of a JSON document into typed values, for the config and seed files.
// Every error names the JSON path of the first problem ("enos.orgs[0].products[1].maxValidDay:
// must be a positive integer"); unknown keys are errors, so a typo never passes silently.
#include <boost/json.hpp>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace localca::tools {

// Thrown with the message "<path>: <problem>".
class json_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A view of one JSON value and its path.
class json_node {
public:
    json_node(const boost::json::value& v, std::string path) : m_v(&v), m_path(std::move(path)) {}

    const std::string& path() const { return m_path; }
    const boost::json::value& raw() const { return *m_v; }

    [[noreturn]] void fail(std::string_view problem) const;

    // Object access. require_object() fails unless this is an object whose keys are all in
    // `allowed`.
    void require_object(std::initializer_list<std::string_view> allowed) const;
    bool has(std::string_view key) const;
    json_node at(std::string_view key) const; // fails if absent ("is required")
    std::optional<json_node> find(std::string_view key) const;

    // Array access.
    std::size_t array_size() const; // fails unless an array
    json_node operator[](std::size_t i) const;

    // Typed reads; each fails with a message saying what is expected.
    std::string as_string() const;          // "must be a string"
    std::string as_nonempty_string() const; // "must be a non-empty string"
    bool as_bool() const;                   // "must be true or false"
    std::int64_t as_positive_integer() const; // "must be a positive integer"
    std::int64_t as_integer_in(std::int64_t lo, std::int64_t hi) const;

private:
    const boost::json::value* m_v;
    std::string m_path;
};

// Parses text; a syntax error becomes json_error("<what>: invalid JSON: ...").
boost::json::value parse_json_text(std::string_view text, std::string_view what);

} // namespace localca::tools
