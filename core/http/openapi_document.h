// The OpenAPI 3 description of every route (docs/openapi.json), compiled into the host so
// that /openapi.json always serves the document of the build that answers.
#pragma once

#include <string_view>

namespace mvne::http {

std::string_view openapi_document();

}  // namespace mvne::http
