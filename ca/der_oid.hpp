#pragma once
// OBJECT IDENTIFIERs and AlgorithmIdentifiers read from strict DER (der_reader.hpp): the one
// encoding DER allows, which Botan 2.19's OID decoder does not insist on.
#include "ca/der_reader.hpp"

#include <botan/asn1_obj.h>

#include <optional>

namespace localca::ca {

// An OBJECT IDENTIFIER element (tag 0x06). Throws der_error unless it is minimally encoded.
Botan::OID decode_oid(const der_element& e);

struct algorithm_identifier {
    Botan::OID oid;
    std::optional<der_element> params; // as encoded, when present
};

// AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL }; `what` names it in
// the error.
algorithm_identifier decode_algorithm(const der_element& seq, const char* what);

} // namespace localca::ca
