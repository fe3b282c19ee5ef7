#include "server/enos/errors.hpp"

namespace localca::server::enos {

namespace {

std::string with_details(const std::string& prefix, const ca::error& e) {
    return prefix + "message: " + e.message + ", detail message: " + e.detail;
}

constexpr const char* k_not_bound = "The certificate list bound to the device does not have the "
                                    "certificate, or the certificate is bound to other devices.";

} // namespace

enos_error from_errc(const ca::error& e) {
    using ca::errc;
    switch (e.code) {
    case errc::csr_malformed:
    case errc::csr_signature_invalid:
    case errc::key_not_allowed:
    case errc::signature_algorithm_not_allowed:
    case errc::subject_missing_cn:
        return {99400, with_details("Invalid cert request!", e)};
    case errc::duplicate_subject:
        return {99400, with_details("Duplicate subject by certificate request!", e)};
    case errc::key_in_use:
        return {11833, "Certificate is already bound to another device."};
    case errc::unknown_authority:
    case errc::validity_invalid:
    case errc::invalid_reason:
        return invalid_call_parameter(e.message, e.detail);
    case errc::validity_exceeds_maximum:
        return {99400, "The specified validity period exceeds the maximum certificate validity "
                       "period of the product to which this device belongs."};
    case errc::device_not_found:
        return {11404, "Device cannot be found"};
    case errc::device_not_eligible:
        return {99400, "The product to which the device belongs to is not a product that "
                       "supports bi-directional authorization."};
    // The device API's codes (docs/enos.md, "Device management").
    case errc::device_disabled:
        return {11723, "Device is disabled"};
    case errc::device_enabled:
        return {11721, "Device is enabled"};
    case errc::device_exists:
        return {11702, "DeviceKey existed"};
    case errc::product_not_found:
        return {99404, "Product cannot be found"};
    case errc::certificate_not_found:
    case errc::certificate_not_bound:
        return {99400, k_not_bound};
    case errc::certificate_revoked:
        return {99400, "The original certificate has been revoked and cannot be updated."};
    case errc::certificate_expired:
        return {99400, "The original certificate has expired and cannot be updated."};
    case errc::already_revoked:
        return {99400, with_details("Revoke cert is failed!", e)};
    case errc::subject_attribute_missing:
        return {99400, with_details("Invalid cert request!", e)};
    // Not produced by the EnOS paths (registered API users and issuance requests).
    case errc::authentication_failed:
    case errc::decryption_failed:
    case errc::signed_data_malformed:
    case errc::signature_invalid:
    case errc::profile_not_found:
    case errc::not_before_invalid:
    case errc::request_not_found:
    case errc::request_rejected:
    // Not produced by the EnOS paths (managed certificates of the Foundry API).
    case errc::invalid_topic_filter:
    case errc::certificate_bound_elsewhere:
        return invalid_call_parameter(e.message, e.detail);
    case errc::internal:
        return {99500, "Internal error of certificate service."};
    }
    return {99500, "Internal error of certificate service."};
}

enos_error invalid_argument(const std::string& name, const std::string& problem) {
    return {99400, "Invalid Argument " + name + ":" + name + " is " + problem};
}

enos_error invalid_call_parameter(const std::string& message, const std::string& detail) {
    return {99400, "When calling Certificate Services, the call parameters are invalid.message: " +
                       message + ", detail message: " + detail};
}

enos_error device_identifier_invalid() {
    return {99400, "invalid argument: The device identifier is invalid"};
}

enos_error org_denied(const std::string& org_id) {
    return {99403, "Denied resource:  orgId " + org_id};
}

enos_error org_not_found() {
    return {99400, "Invalid Argument orgId:  orgId does not exist"};
}

enos_error certsn_negative() {
    return {99400, "The serial number of the new certificate is invalid (less than 0)."};
}

} // namespace localca::server::enos
