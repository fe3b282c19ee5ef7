#pragma once
// Options of the Foundry personality. Every field documents its default.
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace localca::server::foundry {

enum class subject_mode {
    uuid, // CN=<a fresh random UUID> per certificate, so that brokers can tell devices apart
    aws,  // CN=AWS IoT Certificate for every certificate, as AWS IoT issues them
};

// "uuid" | "aws"; false if unknown.
bool parse_subject_mode(const std::string& name, subject_mode* out);

// The Mosquitto-ready view of the certificates' state. Empty paths: that file is not written.
struct mosquitto_options {
    std::filesystem::path acl_file;
    std::filesystem::path crl_file;
    // Run with /bin/sh -c after a rewrite changed a file (e.g. "kill -HUP $(cat broker.pid)").
    // Empty: nothing is run.
    std::string reload_command;
};

struct options {
    // Region of ARNs for accounts seeded without one. Default "us-east-1".
    std::string region = "us-east-1";
    // Pre-generated RSA-2048 keys kept ready. Default 8; 0 = generate on each request.
    std::size_t key_pool_size = 8;
    subject_mode subject = subject_mode::uuid;
    mosquitto_options mosquitto;
    // How often the broker files are compared with the database, so that the CRL file is
    // re-signed before it expires and revocations made through other APIs reach the broker.
    // serve sets it to a quarter of ca.crlNextUpdateSeconds, at most an hour.
    std::chrono::seconds refresh_interval{3600};
};

// AWS region names: lowercase words and a number joined by '-' ("us-west-2", "us-gov-east-1").
bool valid_region(std::string_view region);

} // namespace localca::server::foundry
