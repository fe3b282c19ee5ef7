#pragma once
// What a handler sees of one request, and how it answers.
#include "server/core/request_gate.hpp"

#include <boost/beast/http.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace localca::server {

class personality;
class route_metrics;
struct fault_slot;

namespace http = boost::beast::http;
using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

struct request_context {
    request req;
    std::string path;                               // decoded path, without the query
    std::multimap<std::string, std::string> query;  // decoded, sorted by key
    std::map<std::string, std::string> path_params; // "{name}" segments of the matched route
    std::string request_id;                         // UUID v4, also sent as X-Request-Id
    std::string remote_address;
    std::chrono::steady_clock::time_point received;
    // The personality whose route matched: it renders this request's internal error
    // (server/core/internal_error.hpp). Null for routes added outside a personality.
    const personality* api = nullptr;
    // The matched route's request counters (server/core/request_metrics.hpp); null: unmatched.
    const route_metrics* metrics = nullptr;
    // Set by a handler before it answers to stream the body (exports): the answer's headers go
    // first, then the session calls this on a worker thread for each next piece, sent as an HTTP
    // chunk, until it returns "" (the end). So an export of any size holds one piece in memory
    // and its SQL never runs on a network thread. An exception ends the connection.
    std::function<std::string()> stream_body;
    // Lab fault injection (server/core/fault_hook.hpp). The router sets `faults` to its slot;
    // a fired fault sets what the session does with this request's answer: hold it back
    // `answer_delay`, or instead of writing it whole, reset the connection or cut the body.
    fault_slot* faults = nullptr;
    enum class transport_fault { none, reset, truncate };
    transport_fault transport = transport_fault::none;
    std::chrono::milliseconds answer_delay{0};
    // This request's place in the router's request_gate: released when the answer is handed to
    // the session (or, for a streamed body, when its last piece is written).
    std::shared_ptr<request_gate::ticket> admission;

    // First value of a query parameter.
    std::optional<std::string> query_param(const std::string& key) const;
};

// Sends the response. Thread-safe; call exactly once, from any thread.
using responder = std::function<void(response)>;

// Runs on a worker thread. May answer synchronously or later from another thread.
using handler = std::function<void(std::shared_ptr<request_context>, responder)>;

// Helpers for building responses (keep-alive and version follow the request).
response make_response(const request& req, http::status status, std::string body,
                       std::string content_type);
response json_response(const request& req, http::status status, std::string body);

} // namespace localca::server
