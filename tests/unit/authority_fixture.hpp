#pragma once
// Roots for the suites that sign without an engine (profiles, CRLs, OCSP, lint): one RSA and one
// ECC authority per test binary, made on first use (an RSA key is the slow part).
#include "ca/authority.hpp"
#include "ca/clock.hpp"

namespace localca::test {

inline const ca::authority& shared_root(ca::authority_kind kind) {
    static const ca::authority rsa = ca::authority::create(
        ca::authority_kind::rsa, ca::options{}.rsa, ca::thread_rng(), ca::real_time()->now());
    static const ca::authority ecc = ca::authority::create(
        ca::authority_kind::ecc, ca::options{}.ecc, ca::thread_rng(), ca::real_time()->now());
    return kind == ca::authority_kind::rsa ? rsa : ecc;
}

} // namespace localca::test
