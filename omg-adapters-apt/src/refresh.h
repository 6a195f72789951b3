// libapt computes a few values from its configuration once per process and keeps them in
// function-local statics: the architectures, the description languages, the compression
// types and the compressors. Asking with `Cached = false` recomputes them (and stores the
// result for later cached calls) from the configuration now loaded.
#pragma once
#include <apt-pkg/aptconfiguration.h>

namespace omg_apt {

inline void refresh_configuration_caches() {
	// Compressors first: only the uncached call writes their default settings
	// (Acquire::CompressionTypes::*, which a cleared configuration lacks), and the
	// compression types are chosen among them.
	APT::Configuration::getCompressors(false);
	APT::Configuration::getCompressionTypes(false);
	APT::Configuration::getArchitectures(false);
	// One uncached call recomputes both the preferred and the `All` lists.
	APT::Configuration::getLanguages(false, false);
}

}  // namespace omg_apt
