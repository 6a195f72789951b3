// See bridge.h.
#include "omg-adapters-apt/src/transaction/bridge.h"
#include "omg-adapters-apt/src/transaction/bridge.rs.h"

namespace omg_apt {

namespace {

// rust-apt's `PkgCacheFile` derives from `pkgCacheFile` alone and adds no members, so the
// base is at the start of the object.
pkgCacheFile& base(const ::PkgCacheFile& file) {
	return *reinterpret_cast<pkgCacheFile*>(const_cast<::PkgCacheFile*>(&file));
}

rust::Str str(const std::string& s) { return rust::Str(s.data(), s.size()); }

}  // namespace

void Status::IMSHit(pkgAcquire::ItemDesc& item) {
	Update = true;
	reporter.hit(str(item.Description), str(item.ShortDesc));
}

void Status::Fetch(pkgAcquire::ItemDesc& item) {
	Update = true;
	if (item.Owner->Complete) return;
	reporter.fetch(str(item.Description), str(item.ShortDesc), item.Owner->FileSize);
}

void Status::Done(pkgAcquire::ItemDesc& item) {
	Update = true;
	reporter.done(str(item.Description), str(item.ShortDesc), item.Owner->FileSize);
}

void Status::Fail(pkgAcquire::ItemDesc& item) {
	Update = true;
	bool ignored = item.Owner->Status == pkgAcquire::Item::StatIdle ||
		       item.Owner->Status == pkgAcquire::Item::StatDone;
	reporter.fail(str(item.Description), str(item.ShortDesc), str(item.Owner->ErrorText),
		      ignored);
}

bool Status::Pulse(pkgAcquire* owner) {
	pkgAcquireStatus::Pulse(owner);
	for (pkgAcquire::Worker* w = owner->WorkersBegin(); w != nullptr; w = owner->WorkerStep(w)) {
		auto* item = w->CurrentItem;
		if (item == nullptr || item->Owner == nullptr || item->Owner->Complete) continue;
		reporter.progress(str(item->Description), str(item->ShortDesc), item->CurrentSize,
				  item->TotalSize);
	}
	if (!reporter.keep_going()) {
		cancelled = true;
		return false;
	}
	return true;
}

bool InstallStatus::StatusChanged(std::string pkg, unsigned int done, unsigned int total,
				  std::string action) {
	reporter.status_changed(str(pkg), done, total, str(action));
	return true;
}

void InstallStatus::Error(std::string pkg, unsigned int, unsigned int, std::string message) {
	reporter.dpkg_error(str(pkg), str(message));
}

void InstallStatus::ConffilePrompt(std::string pkg, unsigned int, unsigned int,
				   std::string message) {
	reporter.dpkg_conffile(str(pkg), str(message));
}

Installer::Installer(pkgCacheFile& f) : file(f), pm(_system->CreatePM(f.GetDepCache())) {}

uint8_t Installer::fetch(Reporter& reporter, rust::Str archives,
			 rust::Vec<FetchFailure>& failures) {
	Status status(reporter);
	pkgAcquire fetcher(&status);
	if (!fetcher.GetLock(std::string(archives))) return 1;
	pkgRecords records(*file.GetPkgCache());
	if (!pm->GetArchives(&fetcher, file.GetSourceList(), &records) || _error->PendingError())
		return 4;
	pkgAcquire::RunResult result = fetcher.Run(reporter.pulse_interval_us());
	if (status.was_cancelled() || result == pkgAcquire::Cancelled) return 3;
	bool failed = false;
	for (auto it = fetcher.ItemsBegin(); it != fetcher.ItemsEnd(); ++it) {
		pkgAcquire::Item* item = *it;
		if (item->Status == pkgAcquire::Item::StatDone && item->Complete) continue;
		failed = true;
		FetchFailure f;
		f.uri = item->DescURI();
		f.error = item->ErrorText;
		f.file = item->DestFile;
		f.auth = item->Status == pkgAcquire::Item::StatAuthError;
		f.transient = item->Status == pkgAcquire::Item::StatIdle ||
			      item->Status == pkgAcquire::Item::StatTransientNetworkError;
		failures.push_back(std::move(f));
	}
	if (failed) return 2;
	if (result != pkgAcquire::Continue) return 4;
	return 0;
}

uint8_t Installer::install(Reporter& reporter) {
	InstallStatus status(reporter);
	return static_cast<uint8_t>(pm->DoInstall(&status));
}

std::unique_ptr<Installer> new_installer(const ::PkgCacheFile& file) {
	return std::make_unique<Installer>(base(file));
}

uint8_t update_lists(const ::PkgCacheFile& file, Reporter& reporter) {
	pkgCacheFile& cache = base(file);
	pkgSourceList* list = cache.GetSourceList();
	if (list == nullptr) return 4;
	Status status(reporter);
	pkgAcquire fetcher(&status);
	if (!fetcher.GetLock(_config->FindDir("Dir::State::Lists"))) return 1;
	if (!list->GetIndexes(&fetcher)) return 4;
	bool ok = AcquireUpdate(fetcher, reporter.pulse_interval_us(), true);
	if (status.was_cancelled()) return 3;
	return ok ? 0 : 2;
}

int32_t lock_file(rust::Str path) { return GetLock(std::string(path), true); }

bool write_state_file(const ::PkgCacheFile& file) {
	pkgDepCache* deps = base(file).GetDepCache();
	return deps != nullptr && deps->writeStateFile(nullptr);
}

}  // namespace omg_apt
