"""Templates for computers, printers and office equipment."""

from seed.goods import Family, Line, flag, num, text
from seed.organisation_data import IT

_WINDOWS = "Windows 11 家庭版|Windows 11 专业版"
_XINCHUANG_CPUS = ("兆芯KX-6640MA", "飞腾D2000", "海光C86-3250", "龙芯3A6000")
_XINCHUANG = {
    "CPU": _XINCHUANG_CPUS,
    "操作系统": ("统信UOS V20", "银河麒麟 V10"),
    "信创产品": ("true",),
}
_DESKTOP_CPU_PRICES = {
    "i5-12500": 1.12, "i5-13500": 1.18, "i7-12700": 1.35, "i7-13700": 1.42,
    "兆芯KX-6640MA": 1.25, "飞腾D2000": 1.3, "海光C86-3250": 1.35, "龙芯3A6000": 1.3,
}  # fmt: skip


def _size(inches: str) -> dict[str, tuple[str, ...]]:
    return {"屏幕尺寸": (inches,)}


def _tablet(cpu: str, inches: str) -> dict[str, tuple[str, ...]]:
    return {"处理器": (cpu,), "屏幕尺寸": (inches,)}


def _monitor(inches: str, resolution: str) -> dict[str, tuple[str, ...]]:
    return {"屏幕尺寸": (inches,), "分辨率": (resolution,)}


_MONO = {"彩色": ("false",)}
_COLOUR = {"彩色": ("true",)}

# fmt: off
FAMILIES: tuple[Family, ...] = (
    Family("desktop", "A02010104", "台式计算机", "台", IT, (3000, 3800), 14, (
        text("CPU", "i3-12100|i5-12500|i5-13500|i7-12700|i7-13700", prices=_DESKTOP_CPU_PRICES),
        num("内存", "GB", "8|16|32", label="{}G", prices=(1, 1.08, 1.2)),
        num("硬盘", "GB", "256|512|1024", label="{}G SSD", prices=(1, 1.04, 1.1)),
        num("显示器尺寸", "英寸", "21.5|23.8|27", label="{}英寸", prices=(1, 1.03, 1.08)),
        text("操作系统", _WINDOWS, label=None),
        flag("信创产品", "false"),
        num("保修年限", "年", "1|3", prices=(1, 1.04)),
    )),
    Family("laptop", "A02010105", "便携式计算机", "台", IT, (3800, 4600), 12, (
        text("CPU", "i5-1235U|i5-1340P|i7-1360P|Ultra 5 125H|Ultra 7 155H",
             prices=(1, 1.08, 1.25, 1.18, 1.38)),
        num("内存", "GB", "16|32", label="{}G", prices=(1, 1.12)),
        num("硬盘", "GB", "512|1024", label="{}G SSD", prices=(1, 1.06)),
        num("屏幕尺寸", "英寸", "14|15.6|16", label="{}英寸"),
        num("重量", "kg", "1.2|1.4|1.6|1.8"),
        flag("独立显卡", prices=(1, 1.1)),
        text("操作系统", _WINDOWS, label=None),
    )),
    Family("tablet", "A02010107", "平板式微型计算机", "台", IT, (1800, 2600), 3, (
        text("处理器", "骁龙870", label=None),
        num("运行内存", "GB", "8|12", label="{}G", prices=(1, 1.1)),
        num("存储容量", "GB", "128|256|512", label="{}G", prices=(1, 1.15, 1.4)),
        num("屏幕尺寸", "英寸", "11", label="{}英寸"),
        text("网络", "WLAN|5G全网通", prices=(1, 1.2)),
    )),
    Family("server", "A02010103", "服务器", "台", IT, (22000, 30000), 2, (
        text("处理器",
             "2×Intel Xeon Silver 4310|2×Intel Xeon Gold 5318Y|2×Intel Xeon Gold 6330|2×海光7380",
             prices=(1, 1.35, 1.6, 1.45)),
        num("内存", "GB", "64|128|256|512", label="{}G", prices=(1, 1.15, 1.4, 1.9)),
        num("硬盘容量", "TB", "4|8|16|24", label="{}TB", prices=(1, 1.08, 1.2, 1.35)),
        flag("冗余电源", "true"),
        num("机架高度", "U", "1|2", label="{}U"),
    )),
    Family("inkjet", "A0201060101", "喷墨打印机", "台", IT, (650, 1100), 4, (
        text("打印幅面", "A4", label=None),
        flag("彩色打印", "true"),
        text("功能", "打印|打印/复印/扫描", prices=(1, 1.35)),
        num("打印速度", "页/分钟", "10|15|33", label="{}页/分", prices=(1, 1.2, 1.6)),
        flag("无线连接", prices=(1, 1.15)),
        flag("自动双面", prices=(1, 1.2)),
    )),
    Family("laser", "A0201060102", "激光打印机", "台", IT, (700, 1000), 6, (
        text("打印幅面", "A4", label="{}黑白"),
        num("打印速度", "页/分钟", "22|30|33|40", label="{}页/分", prices=(1, 1.15, 1.25, 1.5)),
        flag("自动双面", prices=(1, 1.25)),
        flag("网络打印", prices=(1, 1.15)),
        num("最大月打印负荷", "页", "15000|30000|50000"),
    )),
    Family("dotmatrix", "A0201060104", "针式打印机", "台", IT, (1200, 1600), 2, (
        num("打印针数", "针", "24"),
        text("打印宽度", "80列|82列|106列", prices=(1, 1, 1.4)),
        num("复写能力", "份", "4|5|7", label="1+{}联"),
        flag("USB接口", "true"),
    )),
    Family("monitor", "A0201060401", "液晶显示器", "台", IT, (550, 800), 4, (
        num("屏幕尺寸", "英寸", "23.8|27", label="{}英寸", prices=(1, 1.5)),
        text("分辨率", "1920×1080|2560×1440|3840×2160", prices=(1, 1.4, 2.0)),
        text("面板类型", "VA|IPS", label="{}屏", prices=(1, 1.1)),
        num("刷新率", "Hz", "60|75|100|144", prices=(1, 1, 1.08, 1.2)),
        flag("内置音箱"),
    )),
    Family("copier", "A020201", "复印机", "台", IT, (8000, 11000), 3, (
        text("最大幅面", "A3"),
        flag("彩色", prices=(1, 1.6)),
        num("复印速度", "页/分钟", "25|30|35|45", label="{}页/分", prices=(1, 1.12, 1.3, 1.6)),
        flag("自动输稿器", prices=(1, 1.12)),
        flag("双面器", "true"),
        num("内存", "GB", "2|4|8"),
    )),
    Family("projector", "A020202", "投影仪", "台", IT, (2600, 3600), 3, (
        num("亮度", "流明", "3300|3800|4200|5000", label="{}流明", prices=(1, 1.15, 1.3, 1.7)),
        text("分辨率", "1024×768|1280×800|1920×1080", prices=(1, 1.15, 1.45)),
        text("对比度", "15000:1|16000:1|20000:1", label=None),
        text("光源", "灯泡|激光", label="{}光源", prices=(1, 1.8)),
        flag("无线投屏", prices=(1, 1.08)),
    )),
    Family("screen", "A020203", "投影幕", "幅", IT, (380, 600), 1, (
        num("幕布尺寸", "英寸", "84|100|120|150", label="{}英寸", prices=(1, 1.25, 1.6, 2.4)),
        text("驱动方式", "手动|电动|遥控电动", prices=(1, 1.5, 1.8)),
        text("画面比例", "4:3|16:9|16:10"),
        text("幕面材质", "白塑|玻纤", label=None, prices=(1, 1.15)),
    )),
    Family("mfp", "A020204", "多功能一体机", "台", IT, (1300, 1900), 5, (
        text("功能", "打印/复印/扫描|打印/复印/扫描/传真", prices=(1, 1.15)),
        flag("彩色", prices=(1, 1.7)),
        num("打印速度", "页/分钟", "22|28|33|40", label="{}页/分", prices=(1, 1.1, 1.25, 1.5)),
        flag("自动双面", prices=(1, 1.15)),
        flag("自动输稿器", prices=(1, 1.1)),
        flag("无线连接", prices=(1, 1.08)),
    )),
    Family("shredder", "A02021301", "碎纸机", "台", IT, (260, 420), 2, (
        text("保密等级", "P-3|P-4|P-5", label="{}级", prices=(1, 1.15, 1.5)),
        text("碎纸方式", "段状|粒状", prices=(1, 1.1)),
        num("单次碎纸量", "张", "6|10|15|20", label="单次{}张", prices=(1, 1.3, 1.8, 2.6)),
        num("纸箱容量", "L", "15|23|30|40", label="{}L", prices=(1, 1.1, 1.2, 1.35)),
        flag("可碎光盘", prices=(1, 1.05)),
    )),
)

LINES: tuple[Line, ...] = (
    Line("desktop", "联想",
         ("启天M740t", "启天M455", "扬天M4000q", "ThinkCentre M930t", "ThinkCentre neo P780")),
    Line("desktop", "联想", ("开天M740z", "开天M90n-IB"), 1.1, overrides=_XINCHUANG),
    Line("desktop", "华为", ("擎云B730E", "擎云B530E", "MateStation B515")),
    Line("desktop", "华为", ("擎云W515x",), 1.15,
         overrides={**_XINCHUANG, "CPU": ("麒麟9006C",)}),
    Line("desktop", "戴尔", ("OptiPlex 7010", "OptiPlex 3000", "成就3020", "Vostro 3030")),
    Line("desktop", "惠普", ("ProDesk 480 G9", "EliteDesk 800 G9", "战66 Pro G1")),
    Line("desktop", "清华同方", ("超翔TZ830-V3", "超翔ZF830"), 1.05,
         overrides=_XINCHUANG),
    Line("desktop", "长城", ("世恒TD120A2", "世恒DF710"), 1.05,
         overrides=_XINCHUANG),
    Line("laptop", "联想", ("ThinkPad E14", "ThinkPad T14", "昭阳K4e", "扬天V14", "ThinkBook 14"),
         overrides=_size("14")),
    Line("laptop", "联想", ("ThinkPad E16", "ThinkBook 16"), overrides=_size("16")),
    Line("laptop", "联想", ("ThinkPad X1 Carbon",), 1.6, overrides=_size("14")),
    Line("laptop", "华为", ("MateBook 14", "擎云L420"), overrides=_size("14")),
    Line("laptop", "华为", ("MateBook D 16",), overrides=_size("16")),
    Line("laptop", "华为", ("MateBook X Pro",), 1.5, overrides=_size("14.2")),
    Line("laptop", "戴尔", ("Latitude 5440", "Latitude 7440", "成就3430"),
         overrides=_size("14")),
    Line("laptop", "戴尔", ("成就3530", "Latitude 3540"), overrides=_size("15.6")),
    Line("laptop", "惠普", ("EliteBook 840 G10", "ProBook 440 G10", "战66 六代 14"),
         overrides=_size("14")),
    Line("laptop", "惠普", ("ProBook 450 G10", "战66 六代 15"), overrides=_size("15.6")),
    Line("laptop", "荣耀", ("MagicBook 14",), 0.9, overrides=_size("14")),
    Line("laptop", "荣耀", ("MagicBook Pro 16",), 0.95, overrides=_size("16")),
    Line("tablet", "华为", ("MatePad 11.5",), overrides=_tablet("骁龙7 Gen1", "11.5")),
    Line("tablet", "华为", ("MatePad Pro 13.2",), 2.0,
         overrides=_tablet("麒麟9000S", "13.2")),
    Line("tablet", "Apple", ("iPad 10.9",), 1.2, overrides=_tablet("A14", "10.9")),
    Line("tablet", "Apple", ("iPad Air 11",), 1.8, overrides=_tablet("M2", "11")),
    Line("tablet", "Apple", ("iPad Pro 13",), 3.2, overrides=_tablet("M4", "13")),
    Line("tablet", "联想", ("小新Pad Pro 12.7",), overrides=_tablet("骁龙870", "12.7")),
    Line("tablet", "小米", ("Xiaomi Pad 6S Pro",), 1.2,
         overrides=_tablet("骁龙8 Gen2", "12.4")),
    Line("tablet", "小米", ("Redmi Pad Pro",), 0.7,
         overrides=_tablet("骁龙7s Gen2", "12.1")),
    Line("server", "浪潮", ("NF5280M6", "NF5270M6", "NF5180M6")),
    Line("server", "新华三", ("UniServer R4900 G5", "UniServer R4700 G5")),
    Line("server", "超聚变", ("FusionServer 2288H V6", "FusionServer 1288H V6")),
    Line("server", "联想", ("ThinkSystem SR658", "ThinkSystem SR588")),
    Line("server", "戴尔", ("PowerEdge R750", "PowerEdge R650"), 1.1),
    Line("inkjet", "爱普生", ("L3251", "L4268", "L6279", "L15158")),
    Line("inkjet", "佳能", ("G3836", "G2810", "G6080")),
    Line("inkjet", "惠普", ("Smart Tank 519", "Smart Tank 678", "Smart Tank 750")),
    Line("inkjet", "兄弟", ("DCP-T426W", "MFC-T4500DW")),
    Line("laser", "奔图", ("P3301DN", "P3305DN", "P2506W", "BP5100DN")),
    Line("laser", "惠普", ("LaserJet Pro 4104dw", "LaserJet M208dw", "LaserJet 1020 Plus")),
    Line("laser", "兄弟", ("HL-2595DW", "HL-L5100DN", "HL-1218W")),
    Line("laser", "佳能", ("LBP6230dw", "LBP223dw", "LBP2900+")),
    Line("laser", "联想", ("LJ2605D", "LJ2405", "G262DNS")),
    Line("laser", "得力", ("P2500DNW", "P3100DNW"), 0.9),
    Line("dotmatrix", "爱普生", ("LQ-630KII", "LQ-735KII", "LQ-1900KIIH")),
    Line("dotmatrix", "得实", ("DS-1700II", "AR-530K")),
    Line("dotmatrix", "映美", ("FP-630K+", "TP-630K"), 0.9),
    Line("monitor", "戴尔", ("P2422H", "SE2422H"),
         overrides=_monitor("23.8", "1920×1080")),
    Line("monitor", "戴尔", ("U2723QE",), 1.1, overrides=_monitor("27", "3840×2160")),
    Line("monitor", "联想", ("ThinkVision T24i-30",),
         overrides=_monitor("23.8", "1920×1080")),
    Line("monitor", "联想", ("ThinkVision P27h-30",),
         overrides=_monitor("27", "2560×1440")),
    Line("monitor", "AOC", ("24B2XH",), 0.85, overrides=_monitor("23.8", "1920×1080")),
    Line("monitor", "AOC", ("Q27P2C",), 0.85, overrides=_monitor("27", "2560×1440")),
    Line("monitor", "飞利浦", ("243V7Q",), overrides=_monitor("23.8", "1920×1080")),
    Line("monitor", "飞利浦", ("27E1N5500",),
         overrides=_monitor("27", "2560×1440")),
    Line("monitor", "华为", ("MateView SE",), overrides=_monitor("23.8", "1920×1080")),
    Line("copier", "理光", ("IM 2702", "MP 2555SP"), overrides=_MONO),
    Line("copier", "理光", ("IM C2010", "IM C3010"), overrides=_COLOUR),
    Line("copier", "震旦", ("AD369s", "AD289s"), overrides=_MONO),
    Line("copier", "震旦", ("ADC309", "ADC369"), overrides=_COLOUR),
    Line("copier", "佳能", ("iR 2425", "iR-ADV 4825"), overrides=_MONO),
    Line("copier", "佳能", ("iR-ADV C3826",), overrides=_COLOUR),
    Line("copier", "柯尼卡美能达", ("bizhub 226i",), overrides=_MONO),
    Line("copier", "柯尼卡美能达", ("bizhub C300i", "bizhub C360i"),
         overrides=_COLOUR),
    Line("copier", "夏普", ("BP-M3151R",), overrides=_MONO),
    Line("copier", "京瓷", ("TASKalfa 2553ci",), overrides=_COLOUR),
    Line("projector", "爱普生", ("CB-X50", "CB-FH52", "CB-2255U"),
         overrides={"光源": ("灯泡",)}),
    Line("projector", "爱普生", ("CB-L530U",), overrides={"光源": ("激光",)}),
    Line("projector", "明基", ("E580", "MX3291+", "E540"), 0.9),
    Line("projector", "索尼", ("VPL-EX570", "VPL-EW578"), 1.1),
    Line("projector", "松下", ("PT-WX3401", "PT-BMZ61C")),
    Line("screen", "红叶", ("电动幕E系列", "经典壁挂幕")),
    Line("screen", "威视朗", ("EM-100", "WM-120")),
    Line("mfp", "惠普", ("LaserJet Pro MFP 4104fdw", "LaserJet MFP M233sdw"),
         overrides=_MONO),
    Line("mfp", "惠普", ("Color LaserJet Pro MFP 4303fdw",), overrides=_COLOUR),
    Line("mfp", "兄弟", ("MFC-L2715DW", "DCP-B7535DW"), overrides=_MONO),
    Line("mfp", "兄弟", ("MFC-L8900CDW",), overrides=_COLOUR),
    Line("mfp", "奔图", ("M7165DN", "M6760DW"), overrides=_MONO),
    Line("mfp", "奔图", ("CM7115DN",), overrides=_COLOUR),
    Line("mfp", "佳能", ("MF263dw", "MF449dw"), overrides=_MONO),
    Line("mfp", "佳能", ("iC MF645Cx",), overrides=_COLOUR),
    Line("mfp", "联想", ("M7455DNF", "M7268W"), overrides=_MONO),
    Line("mfp", "得力", ("M2000DNW", "M3100ADNW"), 0.9, overrides=_MONO),
    Line("shredder", "得力", ("9951", "33056", "14401", "GA450")),
    Line("shredder", "科密", ("C-958", "3855", "P-9000")),
    Line("shredder", "齐心", ("S2102", "C4915")),
    Line("shredder", "震旦", ("AS120CD", "AS260C"), 1.1),
)
# fmt: on
