#pragma once

#include "store/StateStore.h"

#include <memory>

namespace athanor {

// Told before a record is written or removed through a store, while its previous bytes are still there:
// how a run keeps the before-image of every record it changes (versions/RunBeforeImages). Called from the
// run's worker threads at once.
class RecordWriteObserver {
public:
    virtual ~RecordWriteObserver() = default;
    // `store` holds the record's previous version now (readText() gives it).
    virtual void beforeWrite(StateStore& store, const std::string& id) = 0;
};

// A store that tells `observer` before each set / put / remove and otherwise is `inner`. The one hook a run's
// writes pass (lifecycle/Scope opens its store through it when the run keeps before-images).
class ObservedStateStore final : public StateStore {
public:
    ObservedStateStore(std::unique_ptr<StateStore> inner, std::shared_ptr<RecordWriteObserver> observer)
        : m_inner(std::move(inner)), m_observer(std::move(observer)) {}

    void init() override { m_inner->init(); }
    void deinit() override { m_inner->deinit(); }
    std::vector<std::string> list() override { return m_inner->list(); }
    size_t count() override { return m_inner->count(); }
    std::optional<StateRecord> get(const std::string& id) override { return m_inner->get(id); }
    std::map<std::string, StateRecord> getBatch(const std::vector<std::string>& ids) override {
        return m_inner->getBatch(ids);
    }
    std::map<std::string, StateRecord> all() override { return m_inner->all(); }
    void set(const std::string& id, const StateRecord& record) override {
        m_observer->beforeWrite(*m_inner, id);
        m_inner->set(id, record);
    }
    void put(const std::string& id, const StateRecord& record) override {
        m_observer->beforeWrite(*m_inner, id);
        m_inner->put(id, record);
    }
    void remove(const std::string& id) override {
        m_observer->beforeWrite(*m_inner, id);
        m_inner->remove(id);
    }
    std::vector<std::string> listScopes() override { return m_inner->listScopes(); }
    const std::vector<std::string>& chain() const override { return m_inner->chain(); }
    std::string location(const std::string& id) const override { return m_inner->location(id); }
    std::optional<std::string> readText(const std::string& id) override { return m_inner->readText(id); }
    std::optional<StateRecord> parseRecord(const std::string& id, const std::string& text) const override {
        return m_inner->parseRecord(id, text);
    }
    std::optional<StateRecord> getFields(const std::string& id,
                                         std::initializer_list<std::string_view> keys) override {
        return m_inner->getFields(id, keys);
    }
    std::vector<Fetched> fetch(const std::vector<std::string>& ids, unsigned threads = 0) override {
        return m_inner->fetch(ids, threads);
    }
    StateStore& underlying() override { return m_inner->underlying(); }
    // For a source that writes a record past set() (a batched write to underlying()): tell the observer
    // first.
    void beforeBatchedWrite(const std::string& id) { m_observer->beforeWrite(*m_inner, id); }

private:
    std::unique_ptr<StateStore> m_inner;
    std::shared_ptr<RecordWriteObserver> m_observer;
};

} // namespace athanor
