#pragma once

#include "state/StateIndex.h"

#include <QTextBrowser>

namespace athanor::ui {

// The page for an app, stage or scope: counts by status and by kind, and the records that need attention
// (interrupted first, then unreadable) with a link to each.
class ScopeSummaryView : public QTextBrowser {
    Q_OBJECT
public:
    explicit ScopeSummaryView(QWidget* parent = nullptr);

    void showNode(std::shared_ptr<const StateIndex> index, int32_t node);
    QString currentFqn() const { return m_fqn; }

signals:
    void fqnActivated(const QString& fqn);

protected:
    void changeEvent(QEvent* event) override;

private:
    void render();

    std::shared_ptr<const StateIndex> m_index;
    int32_t m_node = -1;
    QString m_fqn;
};

} // namespace athanor::ui
