#pragma once

#include "state/StateIndex.h"

#include <QWidget>

class QLabel;
class QToolButton;

namespace athanor::ui {

// The top of the details pane: kind, FQN, status badge, seq, secret count and the record file (copy the
// path, open its folder). An unreadable record shows why in a red line under it.
class RecordHeader : public QWidget {
    Q_OBJECT
public:
    explicit RecordHeader(QWidget* parent = nullptr);

    void showRecord(const StateIndex& index, int32_t node);
    QString filePath() const { return m_path; }

signals:
    void statusMessage(const QString& message);

protected:
    void changeEvent(QEvent* event) override;

private:
    void updateBadge();

    QLabel* m_kind;
    QLabel* m_fqn;
    QLabel* m_badge;
    QLabel* m_meta;
    QLabel* m_file;
    QLabel* m_error;
    QToolButton* m_copyPath;
    QToolButton* m_openFolder;
    QString m_path;
    StatusCategory m_status = StatusCategory::None;
};

} // namespace athanor::ui
