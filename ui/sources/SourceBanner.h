#pragma once

#include <QFrame>

class QLabel;
class QProgressBar;
class QPushButton;

namespace athanor::ui {

class StateSession;

// The strip above the tree that says how the open source is doing, for sources that are slow and fail (a
// team's Cloudflare worker or S3 bucket; a busy database):
//  - while a source opens: "Loading … 1,200 of 10,000 records" with a progress bar and Cancel;
//  - when a refresh fails while a tree is shown: why (offline, the token refused, a server error, a timeout),
//    that the tree is the snapshot of a given time, and Retry; gone at the next good load;
//  - a missing token or key: a button to enter it (credentialsRequested);
//  - on S3, why a stage Alchemy deployed there shows a failed last run (hazard §14.4).
class SourceBanner : public QFrame {
    Q_OBJECT
public:
    explicit SourceBanner(StateSession* session, QWidget* parent = nullptr);

    QLabel* messageLabel() const { return m_message; }
    QProgressBar* progressBar() const { return m_progress; }
    QPushButton* cancelButton() const { return m_cancel; }
    QPushButton* retryButton() const { return m_retry; }
    QPushButton* credentialsButton() const { return m_credentials; }
    QLabel* noteLabel() const { return m_note; }

signals:
    void credentialsRequested();

private:
    void showProgress(qint64 loaded, qint64 total);
    void showFailure(const QString& reason, const QString& message);
    void hideStatus();
    void updateNote();

    StateSession* m_session;
    QFrame* m_status;
    QLabel* m_message;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QPushButton* m_retry;
    QPushButton* m_credentials;
    QLabel* m_note;
};

} // namespace athanor::ui
