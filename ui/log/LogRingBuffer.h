#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace athanor::ui {

// A fixed-capacity FIFO with O(1) append, O(1) drop-oldest and O(1) random access, so the log model can
// keep the newest N lines without ever moving the older ones in memory. The slots grow as lines arrive (up
// to the capacity): a log that stays short never holds the memory of a full one (two empty logs of 100,000
// slots were 13 MB of every GUI start).
template <typename T>
class LogRingBuffer {
public:
    explicit LogRingBuffer(std::size_t capacity) : m_capacity(capacity > 0 ? capacity : 1) {}

    std::size_t capacity() const { return m_capacity; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    // Index 0 is the oldest element.
    const T& at(std::size_t index) const { return m_slots[(m_head + index) % m_slots.size()]; }

    // The caller makes room first (dropFront); pushing into a full buffer overwrites the oldest.
    void push(T value) {
        if (m_size == m_slots.size() && m_slots.size() < m_capacity) {
            // Full below the capacity: line the slots up oldest first, then grow at the end.
            std::rotate(m_slots.begin(), m_slots.begin() + static_cast<std::ptrdiff_t>(m_head),
                        m_slots.end());
            m_head = 0;
            m_slots.push_back(std::move(value));
            ++m_size;
            return;
        }
        if (m_size == m_slots.size())
            dropFront(1);
        m_slots[(m_head + m_size) % m_slots.size()] = std::move(value);
        ++m_size;
    }

    void dropFront(std::size_t count) {
        if (count > m_size)
            count = m_size;
        if (count == 0)
            return;
        for (std::size_t i = 0; i < count; ++i)
            m_slots[(m_head + i) % m_slots.size()] = T{}; // release the strings now, not on reuse
        m_head = (m_head + count) % m_slots.size();
        m_size -= count;
    }

    void clear() {
        dropFront(m_size);
        m_head = 0;
    }

private:
    std::size_t m_capacity;
    std::vector<T> m_slots; // grows to m_capacity
    std::size_t m_head = 0;
    std::size_t m_size = 0;
};

} // namespace athanor::ui
