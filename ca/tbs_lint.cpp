#include "ca/tbs_lint.hpp"

#include "ca/lab_fixture.hpp"
#include "ca/tbs_lint_rules.hpp"

#include <botan/asn1_obj.h>

#include <algorithm>

namespace localca::ca {

using namespace tbs_lint_detail;

namespace {

void walk_tbs(bytes tbs, const Botan::X509_Certificate& issuer, const certificate_profile& profile,
              findings& out) {
    decoder whole(tbs.data(), tbs.size());
    const auto seq = expect(whole, Botan::SEQUENCE, Botan::CONSTRUCTED, "TBSCertificate");
    whole.verify_end();
    auto d = contents(seq);

    auto o = next(d, "serialNumber");
    if (o.is_a(0, k_constructed_context)) {
        std::size_t version = 0;
        contents(o).decode(version).verify_end();
        if (version != 2) {
            out.fail("version: " + std::to_string(version + 1) + ", not 3");
        }
        o = next(d, "serialNumber");
    } else {
        out.fail("version: absent (v1), not 3");
    }
    check_serial(o, out);

    const auto signature =
        decode_algorithm(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "signature"));
    check_signature_algorithm(signature, issuer, out);

    const auto issuer_name = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "issuer");
    const auto& raw_issuer = issuer.raw_subject_dn();
    decoder raw(raw_issuer.data(), raw_issuer.size());
    const auto expected = raw.get_next_object();
    if (!std::equal(issuer_name.bits(), issuer_name.bits() + issuer_name.length(), expected.bits(),
                    expected.bits() + expected.length())) {
        out.fail("issuer: not the issuer certificate's subject, byte for byte");
    }

    check_validity(expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "validity"), issuer,
                   may_predate_issuer(profile), out);

    const auto subject = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "subject");
    walk_name(bytes(subject.bits(), subject.length()), "subject", out);

    const auto key = check_public_key(
        expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "subjectPublicKeyInfo"), out);

    o = d.get_next_object();
    if (o.is_a(1, Botan::CONTEXT_SPECIFIC) || o.is_a(2, Botan::CONTEXT_SPECIFIC)) {
        out.fail("issuerUniqueID/subjectUniqueID: present");
        while (o.is_set() && !o.is_a(3, k_constructed_context)) {
            o = d.get_next_object();
        }
    }
    if (!o.is_a(3, k_constructed_context)) {
        out.fail("extensions: missing");
        return;
    }
    d.verify_end();
    const auto exts = decode_extensions(o, out);
    check_basic_constraints(exts, profile, out);
    check_key_usage(exts, profile, key.type, out);
    check_extended_key_usage(exts, profile, out);
    check_key_identifiers(exts, key, issuer, out);
    check_subject_alt_name(exts, subject.length() == 0, profile, out);
    check_crl_distribution_points(exts, out);
    check_authority_info_access(exts, out);
    check_ocsp_no_check(exts, out);
}

std::string joined(const std::vector<std::string>& lines) {
    std::string s;
    for (const auto& l : lines) {
        s += (s.empty() ? "" : "; ") + l;
    }
    return s;
}

} // namespace

std::vector<std::string> lint_tbs(std::span<const std::uint8_t> tbs,
                                  const Botan::X509_Certificate& issuer,
                                  const certificate_profile& profile) {
    findings out;
    try {
        walk_tbs(tbs, issuer, profile, out);
    } catch (const std::exception& e) {
        out.fail(std::string("TBSCertificate: not decodable: ") + e.what());
    }
    return out.take();
}

std::vector<std::string> lint_name(std::span<const std::uint8_t> name_der) {
    findings out;
    try {
        decoder d(name_der.data(), name_der.size());
        const auto name = expect(d, Botan::SEQUENCE, Botan::CONSTRUCTED, "Name");
        d.verify_end();
        walk_name(bytes(name.bits(), name.length()), "subject", out);
    } catch (const std::exception& e) {
        out.fail(std::string("subject: not decodable: ") + e.what());
    }
    return out.take();
}

lint_failure::lint_failure(std::vector<std::string> findings)
    : std::runtime_error("pre-signature lint: " + joined(findings)),
      m_findings(std::move(findings)) {}

void require_lint_clean(std::span<const std::uint8_t> tbs, const Botan::X509_Certificate& issuer,
                        const certificate_profile& profile) {
    auto found = lint_tbs(tbs, issuer, profile);
    if (!found.empty()) {
        throw lint_failure(std::move(found));
    }
}

void require_signed_as_linted(std::span<const std::uint8_t> certificate,
                              std::span<const std::uint8_t> tbs) {
    std::vector<std::string> found;
    try {
        decoder whole(certificate.data(), certificate.size());
        const auto cert = expect(whole, Botan::SEQUENCE, Botan::CONSTRUCTED, "Certificate");
        whole.verify_end();
        const bytes body(cert.bits(), cert.length());
        if (body.size() < tbs.size() || !std::equal(tbs.begin(), tbs.end(), body.begin())) {
            found.push_back("signed certificate: its tbsCertificate differs from the linted one");
        } else {
            decoder rest(body.data() + tbs.size(), body.size() - tbs.size());
            const auto outer = decode_algorithm(
                expect(rest, Botan::SEQUENCE, Botan::CONSTRUCTED, "signatureAlgorithm"));
            expect(rest, Botan::BIT_STRING, Botan::UNIVERSAL, "signatureValue");
            rest.verify_end();
            decoder t(tbs.data(), tbs.size());
            auto fields = contents(expect(t, Botan::SEQUENCE, Botan::CONSTRUCTED, "tbs"));
            auto o = next(fields, "version");
            if (o.is_a(0, k_constructed_context)) {
                o = next(fields, "serialNumber");
            }
            const auto inner =
                decode_algorithm(expect(fields, Botan::SEQUENCE, Botan::CONSTRUCTED, "signature"));
            const auto same_params =
                inner.params.has_value() == outer.params.has_value() &&
                (!inner.params ||
                 (inner.params->tagging() == outer.params->tagging() &&
                  std::equal(inner.params->bits(), inner.params->bits() + inner.params->length(),
                             outer.params->bits(), outer.params->bits() + outer.params->length())));
            if (inner.oid != outer.oid || !same_params) {
                found.push_back("signed certificate: signatureAlgorithm differs from the TBS's "
                                "signature field");
            }
        }
    } catch (const std::exception& e) {
        found.push_back(std::string("signed certificate: not decodable: ") + e.what());
    }
    if (!found.empty()) {
        throw lint_failure(std::move(found));
    }
}

} // namespace localca::ca
