#pragma once

#include "events/EngineEvent.h"

#include <QAbstractTableModel>
#include <QElapsedTimer>
#include <QHash>
#include <QTimer>
#include <vector>

namespace athanor::ui {

// One row per resource the run touches: a live status (spinner while running, ✓, ✗, skipped, not started),
// the last action, its duration and any error. Rows can be declared up front (from the plan, or from the
// state a destroy will delete) so the progress bar knows the total before the first event arrives.
class TaskListModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column {
        StatusColumn,
        ResourceColumn,
        KindColumn,
        ActionColumn,
        DurationColumn,
        MessageColumn,
        ColumnCount
    };
    enum class State { Pending, Running, Done, Skipped, Failed, NotStarted };
    enum Role { StateRole = Qt::UserRole + 1, FqnRole };

    explicit TaskListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    struct Planned {
        QString fqn;
        QString kind;
    };
    // Starts a new run's list.
    void reset(const std::vector<Planned>& planned = {});
    void apply(const athanor::EngineEvent& event);
    // The run is over: rows still pending were never started (cancelled or stopped by a failure).
    void finish();

    int doneCount() const { return m_done; }
    int totalCount() const {
        return m_total > 0 ? std::max(m_total, int(m_rows.size())) : int(m_rows.size());
    }
    int row(const QString& fqn) const { return m_byFqn.value(fqn, -1); }
    State state(int row) const { return m_rows.at(std::size_t(row)).state; }
    QString action(int row) const { return m_rows.at(std::size_t(row)).action; }

    static QString stateText(State state);

signals:
    void progressChanged(int done, int total);

private:
    struct Task {
        QString fqn;
        QString path; // stage-relative, what people call the resource
        QString kind;
        State state = State::Pending;
        QString action;
        QString message;
        qint64 startedAt = -1; // m_clock ms when it started running, for the live duration
        double durationMs = -1;
    };

    int ensureRow(const QString& fqn, const QString& kind);
    void setState(Task& task, State state);
    void tick();
    void emitRowChanged(int row);

    std::vector<Task> m_rows;
    QHash<QString, int> m_byFqn;
    int m_done = 0;
    int m_total = 0;
    int m_running = 0;
    int m_frame = 0;
    QTimer m_spinner;
    QElapsedTimer m_clock;
};

} // namespace athanor::ui
