// The libapt calls of a transaction that rust-apt does not bind, or binds without a way to
// cancel or to see each item's failure: fetching the archives and running dpkg through one
// package manager, updating the lists, writing the auto-installed marks. Every callback goes
// to the Rust `Reporter` (src/transaction/progress.rs).
#pragma once
#include <apt-pkg/acquire-item.h>
#include <apt-pkg/acquire-worker.h>
#include <apt-pkg/acquire.h>
#include <apt-pkg/cachefile.h>
#include <apt-pkg/depcache.h>
#include <apt-pkg/error.h>
#include <apt-pkg/fileutl.h>
#include <apt-pkg/install-progress.h>
#include <apt-pkg/packagemanager.h>
#include <apt-pkg/pkgrecords.h>
#include <apt-pkg/pkgsystem.h>
#include <apt-pkg/sourcelist.h>
#include <apt-pkg/update.h>

#include <memory>
#include <string>

#include "rust/cxx.h"

// rust-apt's cache type (`struct PkgCacheFile : public pkgCacheFile`, no members of its own).
struct PkgCacheFile;

namespace omg_apt {

struct Reporter;
struct FetchFailure;

// Forwards libapt's acquire events to the Reporter; a false answer from its pulse cancels
// the whole fetch at libapt's next safe point.
class Status : public pkgAcquireStatus {
	Reporter& reporter;
	bool cancelled = false;

   public:
	explicit Status(Reporter& r) : reporter(r) {}
	bool was_cancelled() const { return cancelled; }
	bool MediaChange(std::string, std::string) override { return false; }
	void IMSHit(pkgAcquire::ItemDesc& item) override;
	void Fetch(pkgAcquire::ItemDesc& item) override;
	void Done(pkgAcquire::ItemDesc& item) override;
	void Fail(pkgAcquire::ItemDesc& item) override;
	bool Pulse(pkgAcquire* owner) override;
};

// dpkg's progress as libapt reads it from dpkg's status file descriptor.
class InstallStatus : public APT::Progress::PackageManager {
	Reporter& reporter;

   public:
	explicit InstallStatus(Reporter& r) : reporter(r) {}
	bool StatusChanged(std::string pkg, unsigned int done, unsigned int total,
			   std::string action) override;
	void Error(std::string pkg, unsigned int done, unsigned int total,
		   std::string message) override;
	void ConffilePrompt(std::string pkg, unsigned int done, unsigned int total,
			    std::string message) override;
};

// One transaction: the package manager that fetches the archives and then hands them to
// dpkg (it remembers the files it fetched). Must not outlive the cache it was made from.
class Installer {
	pkgCacheFile& file;
	std::unique_ptr<pkgPackageManager> pm;

   public:
	explicit Installer(pkgCacheFile& f);
	// 0 fetched everything, 1 the archives directory is locked, 2 some items failed (in
	// `failures`), 3 cancelled, 4 another error (on libapt's error stack).
	uint8_t fetch(Reporter& reporter, rust::Str archives, rust::Vec<FetchFailure>& failures);
	// pkgPackageManager::OrderResult: 0 completed, 1 failed, 2 incomplete.
	uint8_t install(Reporter& reporter);
};

std::unique_ptr<Installer> new_installer(const ::PkgCacheFile& file);

// pkgListUpdate: 0 done, 2 some lists failed (warnings/errors on libapt's stack), 3
// cancelled, 4 another error.
uint8_t update_lists(const ::PkgCacheFile& file, Reporter& reporter);

// libapt's GetLock: a write lock (fcntl) on `path`, the descriptor or -1 (the reason on
// libapt's error stack).
int32_t lock_file(rust::Str path);

// Writes the DepCache's auto-installed marks to extended_states.
bool write_state_file(const ::PkgCacheFile& file);

}  // namespace omg_apt
