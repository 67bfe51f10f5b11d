#pragma once
#include <string>

namespace netlens::web {

// The OpenAPI 3 description of /api/v1 (served at /api/v1/openapi.json).
const std::string& openApiDocument();

}  // namespace netlens::web
