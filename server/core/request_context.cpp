#include "server/core/request_context.hpp"

namespace localca::server {

std::optional<std::string> request_context::query_param(const std::string& key) const {
    // lower_bound, not find: multimap::find may return any of the equal keys, and equal keys
    // keep their order of arrival, so the first one is the first in the query string.
    const auto it = query.lower_bound(key);
    if (it == query.end() || it->first != key) {
        return std::nullopt;
    }
    return it->second;
}

response make_response(const request& req, http::status status, std::string body,
                       std::string content_type) {
    response res{status, req.version()};
    res.set(http::field::content_type, content_type);
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
}

response json_response(const request& req, http::status status, std::string body) {
    return make_response(req, status, std::move(body), "application/json");
}

} // namespace localca::server
