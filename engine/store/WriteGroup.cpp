#include "store/WriteGroup.h"

#include "store/AtomicFile.h"
#include "store/StoreError.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace athanor {

namespace {

// Concurrent syncs of many files cost about one journal commit together (the file system batches them);
// one after another they cost a commit each.
constexpr size_t kSyncThreads = 16;
// The first batch of writes the committer stages itself (WriteGroup::commitLater(Stage, Done)).
constexpr size_t kFirstStagedBatch = 16;

std::string errnoText(int error) {
    return std::strerror(error);
}

} // namespace

void forEachIndexInParallel(size_t count, size_t threads, const std::function<void(size_t)>& fn) {
    threads = std::min(threads, count);
    if (threads <= 1) {
        for (size_t i = 0; i < count; ++i)
            fn(i);
        return;
    }
    std::atomic<size_t> next{0};
    const auto worker = [&] {
        for (size_t i; (i = next.fetch_add(1)) < count;)
            fn(i);
    };
    std::vector<std::thread> pool;
    for (size_t t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
    for (auto& t : pool)
        t.join();
}

WriteGroup::Workers::~Workers() {
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    for (auto& thread : m_threads)
        thread.join();
}

void WriteGroup::Workers::run(size_t count, const std::function<void(size_t)>& fn) {
    std::lock_guard call(m_callMutex);
    if (count <= 1 || m_size <= 1) {
        for (size_t i = 0; i < count; ++i)
            fn(i);
        return;
    }
    {
        std::lock_guard lock(m_mutex);
        while (m_threads.size() + 1 < m_size)
            m_threads.emplace_back([this] { loop(); });
        m_fn = &fn;
        m_count = count;
        m_next = 0;
        ++m_generation;
    }
    m_wake.notify_all();
    work();
    std::unique_lock lock(m_mutex);
    m_done.wait(lock, [this] { return m_active == 0 && m_next >= m_count; });
    m_fn = nullptr;
}

void WriteGroup::Workers::work() {
    for (;;) {
        const std::function<void(size_t)>* fn = nullptr;
        size_t index = 0;
        {
            std::lock_guard lock(m_mutex);
            if (!m_fn || m_next >= m_count)
                return;
            fn = m_fn;
            index = m_next++;
            ++m_active;
        }
        (*fn)(index); // valid until run() returns, which waits for every claimed index
        {
            std::lock_guard lock(m_mutex);
            --m_active;
        }
        m_done.notify_all();
    }
}

void WriteGroup::Workers::loop() {
    uint64_t seen = 0;
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [&] { return m_stop || m_generation != seen; });
        if (m_stop)
            return;
        seen = m_generation;
        lock.unlock();
        work();
        lock.lock();
    }
}

WriteGroup::WriteGroup() : m_workers(kSyncThreads) {}

WriteGroup::~WriteGroup() {
    drain();
    {
        std::lock_guard lock(m_queueMutex);
        m_stopping = true;
    }
    m_queueChanged.notify_all();
    if (m_committer.joinable())
        m_committer.join();
    for (auto& [key, folder] : m_dirty)
        ::close(folder.fd);
}

void WriteGroup::commitLater(StagedWrite write, Done done) {
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back(Queued{std::move(write), {}, std::move(done)});
        if (!m_committer.joinable())
            m_committer = std::thread([this] { committerLoop(); });
    }
    m_queueChanged.notify_all();
}

void WriteGroup::commitLater(Stage stage, Done done) {
    {
        std::lock_guard lock(m_queueMutex);
        m_queue.push_back(Queued{{}, std::move(stage), std::move(done)});
        if (!m_committer.joinable())
            m_committer = std::thread([this] { committerLoop(); });
    }
    m_queueChanged.notify_all();
}

void WriteGroup::committerLoop() {
    std::unique_lock lock(m_queueMutex);
    for (;;) {
        m_queueChanged.wait(lock, [this] { return !m_queue.empty() || m_stopping; });
        if (m_queue.empty())
            return; // stopping
        // Writes the committer stages itself: as many as the usable spares allow, twice that while they are
        // few, at least kFirstStagedBatch. A new file is created only for the difference, so spares grow
        // with the pace of the run instead of every queued write creating one (a file created where many
        // were just deleted can cost a millisecond; see SparePool).
        const size_t usable = m_spares.count() - std::min(m_spares.count(), m_spares.pending());
        size_t toStage = std::max(kFirstStagedBatch, 2 * usable);
        std::vector<Queued> batch;
        std::vector<Queued> rest;
        for (Queued& entry : m_queue) {
            if (!entry.stage || toStage > 0) {
                if (entry.stage)
                    --toStage;
                batch.push_back(std::move(entry));
            } else {
                rest.push_back(std::move(entry));
            }
        }
        m_queue = std::move(rest);
        m_inCommit = batch.size();
        lock.unlock();
        std::vector<StagedWrite> writes;
        writes.reserve(batch.size());
        for (auto& entry : batch) {
            if (entry.stage) {
                try {
                    entry.stage(entry.write);
                } catch (...) {
                    entry.write.error = std::current_exception();
                }
            }
            writes.push_back(std::move(entry.write));
        }
        commit(writes);
        for (size_t i = 0; i < batch.size(); ++i) {
            try {
                batch[i].done(writes[i].error);
            } catch (...) { // a callback's own failure must not stop the committer
            }
        }
        lock.lock();
        m_inCommit = 0;
        m_queueChanged.notify_all();
    }
}

void WriteGroup::drain() {
    std::unique_lock lock(m_queueMutex);
    m_queueChanged.wait(lock, [this] { return m_queue.empty() && m_inCommit == 0; });
}

uint64_t WriteGroup::settled(int dirFd, const fs::path& dirPath) {
    struct stat st {};
    if (::fstat(dirFd, &st) != 0)
        throw StoreError("cannot look at folder " + dirPath.string() + ": " + errnoText(errno));
    const std::pair<uint64_t, uint64_t> key{st.st_dev, st.st_ino};
    std::lock_guard lock(m_mutex);
    if (m_dirty.count(key))
        return m_rounds + 1; // the next round takes it
    const int fd = ::fcntl(dirFd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) {
        // No descriptor to keep: sync it now rather than lose track of it.
        if (::fsync(dirFd) != 0)
            throw StoreError("cannot flush folder " + dirPath.string() + ": " + errnoText(errno));
        ++m_folderSyncs;
        return 0;
    }
    m_dirty.emplace(key, Folder{fd, dirPath});
    return m_rounds + 1;
}

std::pair<WriteGroup::Dirty, uint64_t> WriteGroup::takeDirty() {
    std::lock_guard lock(m_mutex);
    return {std::exchange(m_dirty, {}), ++m_rounds};
}

void WriteGroup::syncFolders(Dirty& folders, uint64_t round) {
    std::vector<Folder*> list;
    for (auto& [key, folder] : folders)
        list.push_back(&folder);
    std::vector<int> errors(list.size(), 0);
    m_workers.run(list.size(), [&](size_t i) { errors[i] = ::fsync(list[i]->fd) == 0 ? 0 : errno; });
    std::string failure;
    for (size_t i = 0; i < list.size(); ++i) {
        if (errors[i] != 0 && failure.empty())
            failure = "cannot flush folder " + list[i]->path.string() + ": " + errnoText(errors[i]);
        ::close(list[i]->fd);
    }
    {
        std::lock_guard lock(m_mutex);
        m_folderSyncs += list.size();
    }
    if (!failure.empty())
        throw StoreError(failure); // its spares stay pending: they are deleted, never rewritten
    m_spares.roundSynced(round);
}

void WriteGroup::commit(std::vector<StagedWrite>& writes) {
    std::vector<StagedWrite*> staged;
    for (StagedWrite& write : writes)
        if (!write.tempName.empty() && !write.error)
            staged.push_back(&write);
    // 1. Each temp file's data, then its rename (many at once: both may wait for the disk). A file gets its
    // name only once its own data is durable; each rename then owes its folder a sync.
    std::vector<int> errors(staged.size(), 0);
    std::vector<char> swapped(staged.size(), 0);
    m_workers.run(staged.size(), [&](size_t i) {
        errors[i] = ::fdatasync(staged[i]->fd) == 0 ? 0 : errno;
        if (::close(staged[i]->fd) != 0 && errors[i] == 0)
            errors[i] = errno;
        staged[i]->fd = -1;
        bool swap = false;
        if (errors[i] == 0)
            errors[i] = moveIntoPlace(staged[i]->dirFd, staged[i]->tempName, staged[i]->name,
                                      staged[i]->spares != nullptr, swap);
        swapped[i] = swap;
    });
    for (size_t i = 0; i < staged.size(); ++i) {
        StagedWrite& write = *staged[i];
        if (errors[i] != 0) {
            ::unlinkat(write.dirFd, write.tempName.c_str(), 0);
            write.error = std::make_exception_ptr(StoreError(
                "cannot write " + (write.dirPath / write.name).string() + ": " + errnoText(errors[i])));
            continue;
        }
        std::string oldFile = std::exchange(write.tempName, {}); // the replaced file when swapped
        try {
            const uint64_t round = settled(write.dirFd, write.dirPath);
            // Rewritten only once the swap is durable (step 3): before, a power loss may undo it.
            if (swapped[i])
                write.spares->giveAfterRound(std::move(oldFile), round);
        } catch (...) {
            if (swapped[i])
                ::unlinkat(write.dirFd, oldFile.c_str(), 0);
            write.error = std::current_exception();
        }
    }
    // 2. Every folder touched since the last commit, in one pass: these renames and the settled writes. If
    // that fails, the renamed records are in place but perhaps not durable: their changes must not start.
    auto [folders, round] = takeDirty();
    try {
        syncFolders(folders, round);
    } catch (...) {
        const std::exception_ptr failure = std::current_exception();
        for (StagedWrite* write : staged)
            if (!write->error)
                write->error = failure;
    }
}

void WriteGroup::flush() {
    auto [folders, round] = takeDirty();
    syncFolders(folders, round);
    std::lock_guard lock(m_mutex);
    if (!m_deferredFailure.empty())
        throw StoreError(std::exchange(m_deferredFailure, {}));
}

void WriteGroup::syncForSpares() {
    if (m_spares.pending() == 0)
        return;
    auto [folders, round] = takeDirty();
    try {
        syncFolders(folders, round);
    } catch (const StoreError& e) {
        std::lock_guard lock(m_mutex);
        if (m_deferredFailure.empty())
            m_deferredFailure = e.what();
    }
}

uint64_t WriteGroup::folderSyncs() const {
    std::lock_guard lock(m_mutex);
    return m_folderSyncs;
}

} // namespace athanor
