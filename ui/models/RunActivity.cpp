#include "models/RunActivity.h"

namespace athanor::ui {

using athanor::EventType;

QString ResourceRun::errorLine(int maxChars) const {
    QStringList lines = error.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (QString& line : lines)
        line = line.trimmed();
    QString text = lines.join(QStringLiteral(" · "));
    if (text.size() > maxChars)
        text = text.left(maxChars - 1) + QStringLiteral("…");
    return text;
}

RunActivity::RunActivity(QObject* parent) : QObject(parent) {}

const ResourceRun* RunActivity::find(const QString& fqn) const {
    for (const QHash<QString, ResourceRun>* map : {&m_current, &m_settled, &m_recorded})
        if (const auto it = map->constFind(fqn); it != map->constEnd())
            return &*it;
    return nullptr;
}

bool RunActivity::isEmpty() const {
    return m_current.size() + m_settled.size() + m_recorded.size() == 0;
}

QStringList RunActivity::fqns() const {
    QStringList all = m_current.keys();
    for (const QHash<QString, ResourceRun>* map : {&m_settled, &m_recorded})
        for (auto it = map->keyBegin(); it != map->keyEnd(); ++it)
            if (!m_current.contains(*it) && (map == &m_settled || !m_settled.contains(*it)))
                all << *it;
    return all;
}

void RunActivity::setRecordedFailures(QHash<QString, ResourceRun> failures) {
    m_recorded = std::move(failures);
    emit changed();
}

void RunActivity::liveRunStarted(athanor::Phase phase, const QDateTime& startedAt) {
    m_current.clear();
    m_settled.clear();
    m_live = phase == athanor::Phase::Up || phase == athanor::Phase::Destroy; // the phases that write records
    m_phase = phase;
    m_startedAt = startedAt;
    emit changed();
}

void RunActivity::applyLiveEvents(const std::vector<athanor::EngineEvent>& events) {
    if (!m_live)
        return;
    bool any = false;
    for (const athanor::EngineEvent& e : events) {
        if (e.fqn.empty())
            continue;
        ResourceRun run{ResourceRun::State::Running, StatusCategory::None, {}, {}, m_startedAt, m_phase};
        switch (e.type) {
        case EventType::Creating:
        case EventType::Updating:
        case EventType::Deleting:
            break;
        case EventType::Created:
            run.state = ResourceRun::State::Done;
            run.settledAs = StatusCategory::Created;
            break;
        case EventType::Updated:
        case EventType::Replaced:
            run.state = ResourceRun::State::Done;
            run.settledAs = StatusCategory::Updated;
            break;
        case EventType::Deleted:
            run.state = ResourceRun::State::Done;
            run.settledAs = StatusCategory::Deleted;
            break;
        case EventType::Skipped:
            run.state = ResourceRun::State::Done;
            break;
        case EventType::Failed:
            run.state = ResourceRun::State::Failed;
            run.error = QString::fromStdString(e.message);
            break;
        default:
            continue;
        }
        m_current.insert(QString::fromStdString(e.fqn), run);
        any = true;
    }
    if (any)
        emit changed();
}

void RunActivity::liveRunFinished(const QString& logFile) {
    if (!m_live)
        return;
    m_live = false;
    // What the run touched is now its last run: failed there, or settled (until the tree shows it).
    for (auto it = m_current.cbegin(); it != m_current.cend(); ++it) {
        m_recorded.remove(it.key());
        if (it->state == ResourceRun::State::Failed) {
            ResourceRun failed = *it;
            failed.logFile = logFile;
            m_recorded.insert(it.key(), failed);
        } else if (it->state == ResourceRun::State::Done) {
            m_settled.insert(it.key(), *it);
        }
    }
    m_current.clear();
    emit changed();
}

void RunActivity::forgetSettled() {
    if (m_live || m_settled.isEmpty())
        return;
    m_settled.clear();
    emit changed();
}

void RunActivity::clear() {
    m_recorded.clear();
    m_current.clear();
    m_settled.clear();
    m_live = false;
    emit changed();
}

} // namespace athanor::ui
