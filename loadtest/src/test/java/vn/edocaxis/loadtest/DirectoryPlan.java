package vn.edocaxis.loadtest;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The directory the load tests run against: a tree of levels 1 to 4 shaped like the national one
 * (DOMAIN.md sections 1 and 2), about 111,000 units under a few hundred connected systems.
 *
 * <ul>
 *   <li>Level 1: 32 government bodies ({@code 000.00.00.G01}…) and 63 provinces ({@code 000.00.00.H01}…),
 *       95 in all, skipping level-1 codes the router already has (the demo directory's G17, G22, H14,
 *       H41), so the demo systems stay as they are.</li>
 *   <li>A government body has 30 level-2 units ({@code 000.00.YY.Gxx}), each with 5 level-3 units
 *       ({@code 000.ZZ.YY.Gxx}); 24 bodies run their own system ({@code bo.gxx}), the last 8 share
 *       four central platforms ({@code vxp.saas.01}… the legacy system-id form).</li>
 *   <li>A province has 45 level-2 units (25 departments, 20 districts), each with 12 level-3 units;
 *       level-4 units ({@code VVV.ZZ.YY.Hxx}) are spread over the provinces' level-3 units until the
 *       directory reaches the requested size. The province's platform ({@code tinh.hxx}) hosts the
 *       province and its departments; its districts are split over three district platforms
 *       ({@code tinh.hxx.d1}…{@code d3}).</li>
 *   <li>Code forms: the 2016 form {@code V1V2V3.Z1Z2.Y1Y2.X##} for almost all; one level-3 unit in
 *       fifty uses the legacy short form ({@code ZZ.YY.Hxx}, like {@code 28.22.H17}); one level-4 unit
 *       in a hundred has a code in the post-2022 alphabet ({@code 0-9 A-Z .}, up to 35 characters;
 *       DOMAIN.md gives the alphabet but no layout, so only the rule is honoured).</li>
 * </ul>
 *
 * Deterministic: the same arguments give the same directory.
 */
public final class DirectoryPlan {

    public record PlannedUnit(String code, String name, String parent, int level, String system) {
    }

    public record PlannedSystem(String id, String name) {
    }

    public static final int MINISTRIES = 32;
    public static final int PROVINCES = 63;

    public final List<PlannedSystem> systems = new ArrayList<>();
    /** In creation order: every parent before its children. */
    public final List<PlannedUnit> units = new ArrayList<>();

    /**
     * @param targetUnits  how many units to plan (levels 1 to 3 come first, level 4 fills up to it;
     *                     a smaller number truncates the list, parents still first)
     * @param foreignCodes unit codes the router already has under other systems, never planned
     */
    public DirectoryPlan(int targetUnits, Set<String> foreignCodes) {
        List<String> ministries = levelOneCodes('G', MINISTRIES, foreignCodes);
        List<String> provinces = levelOneCodes('H', PROVINCES, foreignCodes);
        Map<String, PlannedSystem> byId = new LinkedHashMap<>();

        List<PlannedUnit> l1 = new ArrayList<>();
        List<PlannedUnit> l2 = new ArrayList<>();
        List<PlannedUnit> l3 = new ArrayList<>();
        List<PlannedUnit> provinceL3 = new ArrayList<>();

        for (int m = 0; m < ministries.size(); m++) {
            String x = ministries.get(m);
            String system = m < 24 ? "bo." + x.toLowerCase() : String.format("vxp.saas.%02d", (m - 24) / 2 + 1);
            byId.computeIfAbsent(system, id -> new PlannedSystem(id, id.startsWith("vxp.saas")
                    ? "Nền tảng dùng chung " + id : "Hệ thống quản lý văn bản Bộ " + x));
            String top = "000.00.00." + x;
            l1.add(new PlannedUnit(top, "Bộ, ngành " + x, null, 1, system));
            for (int y = 1; y <= 30; y++) {
                String two = String.format("000.00.%02d.%s", y, x);
                l2.add(new PlannedUnit(two, "Vụ, cục " + y + " thuộc " + x, top, 2, system));
                for (int z = 1; z <= 5; z++) {
                    l3.add(new PlannedUnit(String.format("000.%02d.%02d.%s", z, y, x), "Phòng " + z + " vụ " + y + " thuộc " + x,
                            two, 3, system));
                }
            }
        }
        int shortForms = 0;
        for (String x : provinces) {
            String platform = "tinh." + x.toLowerCase();
            byId.computeIfAbsent(platform, id -> new PlannedSystem(id, "Nền tảng quản lý văn bản tỉnh " + x));
            String top = "000.00.00." + x;
            l1.add(new PlannedUnit(top, "UBND tỉnh " + x, null, 1, platform));
            for (int y = 1; y <= 45; y++) {
                boolean district = y > 25;
                String system = district ? platform + ".d" + ((y - 26) % 3 + 1) : platform;
                if (district) {
                    byId.computeIfAbsent(system, id -> new PlannedSystem(id, "Nền tảng văn bản cấp huyện " + id));
                }
                String two = String.format("000.00.%02d.%s", y, x);
                l2.add(new PlannedUnit(two, (district ? "UBND huyện " : "Sở ") + y + " tỉnh " + x, top, 2, system));
                for (int z = 1; z <= 12; z++) {
                    String code = ++shortForms % 50 == 0 ? String.format("%02d.%02d.%s", z, y, x)
                            : String.format("000.%02d.%02d.%s", z, y, x);
                    PlannedUnit three = new PlannedUnit(code, (district ? "UBND xã " : "Phòng ") + z + ", " + y + " tỉnh " + x,
                            two, 3, system);
                    l3.add(three);
                    provinceL3.add(three);
                }
            }
        }
        systems.addAll(byId.values());

        units.addAll(l1);
        units.addAll(l2);
        units.addAll(l3);
        if (units.size() > targetUnits) {
            units.subList(targetUnits, units.size()).clear();
            return;
        }
        // level 4: round-robin over the provinces' level-3 units until the target is reached
        int needed = targetUnits - units.size();
        int[] next = new int[provinceL3.size()];
        for (int i = 0; i < needed; i++) {
            int p = i % provinceL3.size();
            PlannedUnit parent = provinceL3.get(p);
            int v = ++next[p];
            if (v > 999) {
                break;
            }
            String code = (i + 1) % 100 == 0 ? newScheme(parent.code(), v) : String.format("%03d", v) + parentSuffix(parent.code());
            units.add(new PlannedUnit(code, "Đơn vị cấp 4 số " + v + " thuộc " + parent.code(), parent.code(), 4, parent.system()));
        }
    }

    private static List<String> levelOneCodes(char letter, int count, Set<String> existing) {
        List<String> codes = new ArrayList<>();
        for (int n = 1; codes.size() < count; n++) {
            String x = String.format("%c%02d", letter, n);
            if (!existing.contains("000.00.00." + x)) {
                codes.add(x);
            }
        }
        return codes;
    }

    /** The ".ZZ.YY.Xnn" part of a level-3 code in either form. */
    private static String parentSuffix(String level3) {
        return level3.length() == 13 ? level3.substring(3) : "." + level3;
    }

    private static String newScheme(String level3, int v) {
        return ("N2022." + level3.replace(".", "") + "." + String.format("%06d", v)).toUpperCase();
    }

    /** Whether a system id is one this plan names (so a unit it hosts is ours, not the demo directory's). */
    public static boolean isPlannedSystemId(String id) {
        return id.startsWith("bo.") || id.startsWith("tinh.") || id.startsWith("vxp.saas.");
    }

    public int count(int level) {
        return (int) units.stream().filter(u -> u.level() == level).count();
    }
}
