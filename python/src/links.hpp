// Python-side holders of the link types: a report or an archetype keeps the catalog it came from
// alive (reports point at their archetype; JSON renders the catalog entries they use).
#pragma once

#include <filesystem>
#include <memory>

#include "lightwatt/interconnect/link_archetype.hpp"
#include "lightwatt/interconnect/link_catalog.hpp"

namespace lightwatt::python {

struct PyLinkCatalog {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::filesystem::path data_dir;
};

struct PyArchetype {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::shared_ptr<const interconnect::LinkArchetype> archetype;
};

struct PyLinkReport {
    std::shared_ptr<const interconnect::LinkCatalog> catalog;
    std::shared_ptr<const interconnect::LinkArchetype> archetype;
    interconnect::LinkReport report;  // report.archetype points at *archetype
};

PyLinkReport evaluate_archetype(const PyArchetype& a);

}  // namespace lightwatt::python
