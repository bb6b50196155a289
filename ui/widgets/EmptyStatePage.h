#pragma once

#include <QWidget>

class QLabel;
class QPushButton;
class QVBoxLayout;

namespace athanor::ui {

// What the window shows when there is nothing to inspect: no project open yet, or a folder without state.
// It says which, and offers the ways forward (open a folder, a recent project, drop a folder).
class EmptyStatePage : public QWidget {
    Q_OBJECT
public:
    explicit EmptyStatePage(QWidget* parent = nullptr);

    void showWelcome(const QStringList& recentProjects);
    void showNoState(const QString& projectPath, bool folderMissing, const QStringList& recentProjects);
    // A source other than a folder (a SQLite database, `source` as SourceSpec writes it) that holds nothing.
    void showEmptySource(const QString& source, bool missing, const QStringList& recentProjects);
    // The source could not be read at all (a locked or foreign database) and there is no tree to keep.
    void showLoadFailure(const QString& source, const QString& message);

signals:
    void openRequested();
    void recentRequested(const QString& path);

private:
    void setRecent(const QStringList& recentProjects);

    QLabel* m_icon;
    QLabel* m_title;
    QLabel* m_text;
    QPushButton* m_open;
    QLabel* m_recentTitle;
    QLabel* m_recent;
};

} // namespace athanor::ui
