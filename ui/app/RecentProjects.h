#pragma once

#include <QStringList>

namespace athanor::ui {

// The recently opened project folders, most recent first, kept in QSettings.
class RecentProjects {
public:
    static constexpr int kMax = 8;

    static QStringList list();
    static void add(const QString& path);
    static void remove(const QString& path);
    static void clear();
};

} // namespace athanor::ui
