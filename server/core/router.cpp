#include "server/core/router.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace localca::server {

namespace {

// "/a/b/" -> {"a", "b"}; "/" -> {}; "/a//b" -> {"a", "", "b"} (the empty segment then matches
// nothing, since "{name}" needs a non-empty segment). One trailing slash is ignored so that
// "/a/b/" and "/a/b" are the same resource.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    if (!path.empty() && path.front() == '/') {
        path.remove_prefix(1);
    }
    if (!path.empty() && path.back() == '/') {
        path.remove_suffix(1);
    }
    if (path.empty()) {
        return out;
    }
    for (;;) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_param(std::string_view segment) {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// "{name...}" as the last segment of a pattern matches the rest of the path, one or more
// segments, empty ones included (an OCSP GET request is base64, which may contain '/').
bool is_tail(std::string_view segment) {
    return is_param(segment) && segment.size() > 5 && segment.substr(segment.size() - 4) == "...}";
}

std::string param_name(std::string_view segment) {
    return std::string(segment.substr(1, segment.size() - (is_tail(segment) ? 5 : 2)));
}

// Matches `segments` against a route's; on success fills `params`.
bool segments_match(const std::vector<std::string>& pattern,
                    const std::vector<std::string_view>& segments,
                    std::map<std::string, std::string>* params) {
    const bool tail = !pattern.empty() && is_tail(pattern.back());
    if (tail ? segments.size() < pattern.size() : pattern.size() != segments.size()) {
        return false;
    }
    const std::size_t fixed = tail ? pattern.size() - 1 : pattern.size();
    for (std::size_t i = 0; i < fixed; ++i) {
        if (is_param(pattern[i])) {
            if (segments[i].empty()) {
                return false;
            }
        } else if (pattern[i] != segments[i]) {
            return false;
        }
    }
    if (params) {
        params->clear();
        for (std::size_t i = 0; i < fixed; ++i) {
            if (is_param(pattern[i])) {
                (*params)[param_name(pattern[i])] = std::string(segments[i]);
            }
        }
        if (tail) {
            std::string rest;
            for (std::size_t i = fixed; i < segments.size(); ++i) {
                rest += (i == fixed ? "" : "/") + std::string(segments[i]);
            }
            (*params)[param_name(pattern.back())] = std::move(rest);
        }
    }
    return true;
}

// Both patterns matched the same path. Literal beats "{name}" beats "{name...}" at the first
// position where the two differ.
bool more_specific(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    const auto rank = [](const std::string& s) { return is_tail(s) ? 0 : is_param(s) ? 1 : 2; };
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
        if (rank(a[i]) != rank(b[i])) {
            return rank(a[i]) > rank(b[i]);
        }
    }
    return false;
}

} // namespace

void router::add_personality(personality& p) {
    m_adding = &p;
    try {
        p.add_routes(*this);
    } catch (...) {
        m_adding = nullptr;
        throw;
    }
    m_adding = nullptr;
}

void router::add(http::verb method, std::string pattern, handler h) {
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern must start with '/': " + pattern);
    }
    if (!h) {
        throw std::invalid_argument("route without a handler: " + pattern);
    }
    route r{method,
            {},
            std::move(h),
            m_adding,
            &m_metrics->route(m_adding ? m_adding->name() : "none", pattern)};
    const auto segments = split_path(pattern);
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto segment = segments[i];
        const bool named_tail = segment.size() >= 4 && segment.substr(segment.size() - 4) == "...}";
        if (named_tail && (!is_tail(segment) || i + 1 != segments.size())) {
            throw std::invalid_argument("a \"{name...}\" segment must be named and last: " +
                                        pattern);
        }
        if (segment.empty()) {
            throw std::invalid_argument("empty segment in route pattern: " + pattern);
        }
        const bool opens = segment.front() == '{';
        const bool closes = segment.back() == '}';
        if (opens != closes || (opens && segment.size() == 2)) {
            throw std::invalid_argument("bad parameter segment in route pattern: " + pattern);
        }
        r.segments.emplace_back(segment);
    }
    m_routes.push_back(std::move(r));
}

const handler* router::match(request_context& ctx, http::status* status) const {
    const auto segments = split_path(ctx.path);
    const route* best = nullptr;
    bool path_known = false;
    for (const auto& r : m_routes) {
        if (!segments_match(r.segments, segments, nullptr)) {
            continue;
        }
        path_known = true;
        if (r.method != ctx.req.method()) {
            continue;
        }
        // The most specific route wins whatever the order of registration: a literal segment
        // beats "{name}" at the first position where the two differ ("/certs/expired" before
        // "/certs/{serial}"). Equally specific: the first registered.
        if (!best || more_specific(r.segments, best->segments)) {
            best = &r;
        }
    }
    if (best) {
        segments_match(best->segments, segments, &ctx.path_params);
        ctx.api = best->api;
        ctx.metrics = best->metrics;
        return &best->h;
    }
    if (status) {
        *status = path_known ? http::status::method_not_allowed : http::status::not_found;
    }
    return nullptr;
}

} // namespace localca::server
