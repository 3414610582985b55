"""Templates for appliances and office furniture."""

from seed.goods import Family, Line, flag, num, text
from seed.organisation_data import APPLIANCE, FURNITURE

_FRIDGE_LITRES = {
    "216": 1.0, "321": 1.3, "406": 1.6, "452": 1.75, "470": 1.8, "502": 1.95, "508": 2.0,
    "529": 2.1,
}  # fmt: skip
_BOARD = "E1级三聚氰胺板|钢木|实木贴皮"


def _fridge(litres: str, doors: str) -> dict[str, tuple[str, ...]]:
    return {"总容积": (litres,), "门体结构": (doors,)}


def _aircon(kind: str, horsepower: str) -> dict[str, tuple[str, ...]]:
    """KFR-26GW is about 1 匹, 35GW 1.5, 50LW 2, 72LW 3: the model number gives it away."""
    return {"类型": (kind,), "匹数": (horsepower,)}


_WALL_1, _WALL_15 = _aircon("壁挂式", "1"), _aircon("壁挂式", "1.5")
_CABINET_2, _CABINET_3 = _aircon("立柜式", "2"), _aircon("立柜式", "3")

# fmt: off
FAMILIES: tuple[Family, ...] = (
    Family("fridge", "A02061801", "电冰箱", "台", APPLIANCE, (1400, 1900), 2, (
        num("总容积", "L", "216|321|406|452|470|502|508|529", label="{}L", prices=_FRIDGE_LITRES),
        text("门体结构", "双门|三门|法式多门|十字对开门|对开门"),
        text("制冷方式", "风冷无霜", label=None),
        text("能效等级", "二级|一级", label="{}能效", prices=(1, 1.08)),
        flag("变频", prices=(1, 1.1)),
    )),
    Family("aircon", "A02061804", "空调机", "台", APPLIANCE, (2100, 2700), 5, (
        text("类型", "壁挂式|立柜式"),
        num("匹数", "匹", "1|1.5|2|3", label="{}匹", prices=(1, 1.2, 2.0, 2.6)),
        text("能效等级", "三级|一级", label="{}能效", prices=(1, 1.18)),
        text("冷暖类型", "冷暖", label=None),
        flag("变频", "true"),
    )),
    Family("water", "A02061899", "饮水机", "台", APPLIANCE, (280, 420), 2, (
        text("类型", "台式|立式|管线机", prices=(1, 1.6, 2.4)),
        flag("制冷", prices=(1, 1.5)),
        num("加热功率", "W", "500|550|2100"),
        flag("童锁", "true"),
    )),
    Family("tv", "A02091001", "电视机", "台", APPLIANCE, (2100, 2800), 3, (
        num("屏幕尺寸", "英寸", "55|65|75|85", label="{}英寸", prices=(1, 1.35, 2.0, 3.2)),
        text("分辨率", "4K超高清"),
        num("刷新率", "Hz", "60|120|144", label="{}Hz", prices=(1, 1.15, 1.3)),
        flag("智能电视", "true"),
        flag("含壁挂架", prices=(1, 1.02)),
    )),
    Family("desk", "A05010201", "办公桌", "张", FURNITURE, (650, 900), 3, (
        num("长度", "mm", "1200|1400|1600|1800|2000", label="{}mm",
            prices=(1, 1.1, 1.3, 1.7, 2.3)),
        num("宽度", "mm", "600|700|800"),
        text("材质", _BOARD, prices=(1, 1.1, 1.9)),
        flag("含侧柜", prices=(1, 1.35)),
        text("颜色", "胡桃木色|白枫木色|浅灰色", label=None),
    )),
    Family("meeting_table", "A05010202", "会议桌", "张", FURNITURE, (2200, 3000), 1, (
        num("长度", "mm", "2400|3200|4000|4800", label="{}mm", prices=(1, 1.4, 1.9, 2.6)),
        num("座位数", "人", "8|10|14|18", label="{}人位"),
        text("材质", _BOARD, prices=(1, 1.1, 1.7)),
        text("颜色", "胡桃木色|白枫木色", label=None),
    )),
    Family("office_chair", "A05010301", "办公椅", "把", FURNITURE, (260, 380), 4, (
        text("椅背材质", "网布|PU皮|真皮", prices=(1, 1.3, 2.2)),
        text("扶手", "固定扶手|升降扶手|3D扶手", prices=(1, 1.1, 1.3)),
        flag("头枕", prices=(1, 1.15)),
        num("承重", "kg", "120|136|150"),
        flag("可躺", prices=(1, 1.1)),
    )),
    Family("meeting_chair", "A05010303", "会议椅", "把", FURNITURE, (150, 260), 1, (
        text("材质", "网布|布艺|皮质", prices=(1, 1, 1.8)),
        flag("带写字板", prices=(1, 1.3)),
        flag("可叠放"),
        text("颜色", "黑色|灰色|蓝色", label=None),
    )),
    Family("sofa3", "A05010401", "三人沙发", "张", FURNITURE, (1400, 1800), 1, (
        text("面料", "布艺|西皮|头层牛皮", prices=(1, 1.15, 1.5)),
        num("长度", "mm", "1800|2000|2200", label="{}mm"),
        text("颜色", "黑色|深咖色|米白色", label=None),
    )),
    Family("sofa1", "A05010402", "单人沙发", "张", FURNITURE, (700, 950), 1, (
        text("面料", "布艺|西皮|头层牛皮", prices=(1, 1.15, 1.5)),
        num("宽度", "mm", "800|900|1000", label="{}mm"),
        text("颜色", "黑色|深咖色|米白色", label=None),
    )),
    Family("bookcase", "A05010501", "书柜", "组", FURNITURE, (600, 850), 1, (
        num("门数", "门", "2|3|4", label="{}门", prices=(1, 1.3, 1.6)),
        text("材质", "钢制|E1级板式|实木贴皮", prices=(1, 1.1, 1.6)),
        num("高度", "mm", "1800|2000|2200"),
    )),
    Family("file_cabinet", "A05010502", "文件柜", "组", FURNITURE, (380, 520), 2, (
        text("材质", "冷轧钢板", label=None),
        num("板材厚度", "mm", "0.6|0.8|1.0", label="{}mm厚", prices=(1, 1.25, 1.5)),
        text("结构", "通体双开门|上玻下铁|器械柜|十二门更衣柜", prices=(1, 1, 1, 1.6)),
        flag("带锁", "true"),
    )),
    Family("safe_cabinet", "A05010504", "保密柜", "组", FURNITURE, (1500, 2000), 1, (
        text("锁型", "机械密码锁|电子密码锁|指纹锁", prices=(1, 1.1, 1.3)),
        num("高度", "mm", "1200|1800|1850", label="{}mm"),
        flag("防火", prices=(1, 1.2)),
    )),
)

LINES: tuple[Line, ...] = (
    Line("fridge", "海尔", ("BCD-470WDPG",), overrides=_fridge("470", "十字对开门")),
    Line("fridge", "海尔", ("BCD-216WMPT",), overrides=_fridge("216", "三门")),
    Line("fridge", "美的", ("BCD-508WKPZM(E)",), overrides=_fridge("508", "十字对开门")),
    Line("fridge", "美的", ("BCD-321WTPZM(E)",), overrides=_fridge("321", "法式多门")),
    Line("fridge", "容声", ("BCD-529WD11HP",), overrides=_fridge("529", "十字对开门")),
    Line("fridge", "容声", ("BCD-406WD12FP",), overrides=_fridge("406", "法式多门")),
    Line("fridge", "西门子", ("KA50NE20TI",), 1.3, overrides=_fridge("502", "对开门")),
    Line("fridge", "海信", ("BCD-452WMK1DPUJ",), 0.95, overrides=_fridge("452", "十字对开门")),
    Line("aircon", "格力", ("云佳KFR-35GW", "云锦II KFR-35GW"), 1.1, overrides=_WALL_15),
    Line("aircon", "格力", ("天仪KFR-26GW",), 1.1, overrides=_WALL_1),
    Line("aircon", "格力", ("云锦KFR-50LW",), 1.1, overrides=_CABINET_2),
    Line("aircon", "格力", ("天丽KFR-72LW",), 1.1, overrides=_CABINET_3),
    Line("aircon", "美的", ("酷省电KFR-35GW",), overrides=_WALL_15),
    Line("aircon", "美的", ("锐静KFR-26GW",), overrides=_WALL_1),
    Line("aircon", "美的", ("风尊KFR-72LW",), overrides=_CABINET_3),
    Line("aircon", "海尔", ("静悦KFR-35GW",), overrides=_WALL_15),
    Line("aircon", "海尔", ("劲爽KFR-26GW",), overrides=_WALL_1),
    Line("aircon", "海尔", ("雷神者KFR-72LW",), overrides=_CABINET_3),
    Line("aircon", "奥克斯", ("京裕KFR-35GW",), 0.85, overrides=_WALL_15),
    Line("aircon", "TCL", ("真省电KFR-35GW",), 0.85, overrides=_WALL_15),
    Line("water", "美的", ("YR1226S-X", "JD1351S-NF", "MK-JR1602")),
    Line("water", "安吉尔", ("Y1351LKD-C", "Y2662LKD-K"), 1.1),
    Line("water", "沁园", ("LSR-K", "JLD8662XZ")),
    Line("water", "海尔", ("YD1561-CB", "HGR2206")),
    Line("tv", "海信", ("E3K", "E5K", "U7K")),
    Line("tv", "TCL", ("V8E", "Q9K", "T7H")),
    Line("tv", "小米", ("Redmi A Pro", "S Pro Mini LED"), 0.9),
    Line("tv", "创维", ("A3D", "G6F")),
    Line("tv", "索尼", ("X85L", "X90L"), 1.5),
    Line("tv", "华为", ("智慧屏S5 Pro", "智慧屏V5"), 1.3),
    Line("desk", "圣奥", ("SO-D160", "领锐", "风尚"), 1.2),
    Line("desk", "震旦", ("AEZ-1600", "ODA"), 1.15),
    Line("desk", "美时", ("MS-Z160",)),
    Line("desk", "冠美", ("GM-BZ16",), 0.9),
    Line("desk", "华日", ("HR-BGZ01",)),
    Line("meeting_table", "圣奥", ("SO-HY32", "领锐会议"), 1.2),
    Line("meeting_table", "震旦", ("AMT-4000",), 1.1),
    Line("meeting_table", "冠美", ("GM-HYZ24",), 0.9),
    Line("office_chair", "圣奥", ("S-CH01", "Dr.Sunon"), 1.3),
    Line("office_chair", "西昊", ("M57", "M18", "V1")),
    Line("office_chair", "永艺", ("沃克", "XY-188")),
    Line("office_chair", "保友", ("金卓b", "优b"), 1.4),
    Line("office_chair", "得力", ("4900", "91015"), 0.85),
    Line("office_chair", "黑白调", ("P5", "E3")),
    Line("meeting_chair", "圣奥", ("SH-HYY01",), 1.2),
    Line("meeting_chair", "冠美", ("GM-HY05", "GM-PX08")),
    Line("meeting_chair", "得力", ("87118",), 0.9),
    Line("sofa3", "圣奥", ("SF-301",), 1.2),
    Line("sofa3", "震旦", ("ASF-3",)),
    Line("sofa3", "华日", ("HR-SF03",), 0.9),
    Line("sofa1", "圣奥", ("SF-101",), 1.2),
    Line("sofa1", "震旦", ("ASF-1",)),
    Line("sofa1", "华日", ("HR-SF01",), 0.9),
    Line("bookcase", "圣奥", ("SG-4M",), 1.2),
    Line("bookcase", "冠美", ("GM-SG20",)),
    Line("bookcase", "华日", ("HR-SG02",)),
    Line("file_cabinet", "得力", ("9361", "33268")),
    Line("file_cabinet", "卓越", ("ZY-WJG01", "ZY-QXG02")),
    Line("file_cabinet", "惠宁", ("HN-06", "HN-12G")),
    Line("file_cabinet", "冠美", ("GM-TT18",)),
    Line("safe_cabinet", "惠宁", ("HN-BMG18", "HN-BMG12")),
    Line("safe_cabinet", "得力", ("4078", "16697"), 0.9),
    Line("safe_cabinet", "虎牌", ("BMG-1850",), 1.1),
)
# fmt: on
