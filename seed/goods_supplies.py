"""Templates for office consumables and for food, including 832 poverty-area produce."""

from seed.goods import Family, Line, flag, num, text
from seed.organisation_data import FOOD, OFFICE


def _origin(*places: str) -> dict[str, tuple[str, ...]]:
    return {"产地": places}


def _fits(*printers: str) -> dict[str, tuple[str, ...]]:
    return {"适用机型": printers}


# fmt: off
FAMILIES: tuple[Family, ...] = (
    Family("paper", "A05040101", "复印纸", "箱", OFFICE, (95, 125), 3, (
        text("规格", "A4|A3", prices=(1, 1.95)),
        num("克重", "g", "70|80", label="{}g", prices=(1, 1.15)),
        num("每箱包数", "包", "5|8", label="{}包/箱", prices=(1, 1.55)),
        num("每包张数", "张", "500"),
    )),
    Family("toner", "A05040201", "鼓粉盒", "个", OFFICE, (75, 130), 3, (
        text("适用机型", "多型号通用", label="适用{}"),
        num("打印页数", "页", "1600|2500|3000|5000", label="{}页", prices=(1, 1.3, 1.5, 2.1)),
        flag("原装", prices=(1, 3.5)),
    )),
    Family("ink", "A05040203", "喷墨盒", "个", OFFICE, (45, 70), 2, (
        text("颜色", "黑色|彩色|四色套装", prices=(1, 1.2, 3.2)),
        num("容量", "ml", "7|13|70", label="{}ml", prices=(1, 1.6, 1.2)),
        flag("原装", prices=(1, 1.8)),
    )),
    Family("pen", "A05040401", "中性笔", "盒", OFFICE, (9, 14), 3, (
        num("笔尖规格", "mm", "0.38|0.5|0.7", label="{}mm"),
        text("墨水颜色", "黑色|红色|蓝色"),
        num("每盒支数", "支", "12|24|36", label="{}支/盒", prices=(1, 1.9, 2.8)),
        flag("可换笔芯"),
    )),
    Family("folder", "A05040401", "文件夹", "包", OFFICE, (12, 20), 2, (
        text("规格", "A4|F4", prices=(1, 1.1)),
        text("材质", "PP塑料|牛皮纸|无酸纸", prices=(1, 1, 1.6)),
        num("每包数量", "个", "10|20|24", label="{}个/包", prices=(1, 1.9, 2.2)),
    )),
    Family("rice", "A07060101", "大米", "袋", FOOD, (36, 62), 3, (
        num("净含量", "kg", "5|10|25", label="{}kg", prices=(1, 1.9, 4.5)),
        text("产地", "黑龙江五常"),
        text("等级", "一级|特级", label=None, prices=(1, 1.25)),
        num("保质期", "月", "12"),
    )),
    Family("flour", "A07060102", "面粉", "袋", FOOD, (12, 20), 1, (
        num("净含量", "kg", "2.5|5|10|25", label="{}kg", prices=(1, 1.9, 3.6, 8.5)),
        text("用途", "通用|高筋|中筋|低筋", label="{}粉"),
        text("产地", "河北"),
    )),
    Family("oil", "A07060103", "食用植物油", "桶", FOOD, (30, 55), 2, (
        num("净含量", "L", "1.8|4|5", label="{}L", prices=(1, 2.1, 2.6)),
        text("油种", "食用调和油"),
        text("工艺", "压榨|浸出", label=None, prices=(1.2, 1)),
        text("质量等级", "一级", label=None),
    )),
    Family("tea", "A07060104", "茶叶", "盒", FOOD, (60, 160), 2, (
        num("净含量", "g", "100|250|500", label="{}g", prices=(1, 2.2, 4)),
        text("等级", "一级|特级", prices=(1, 1.5)),
        text("产地", "浙江杭州", label=None),
        text("包装", "纸盒装|礼盒装", label=None, prices=(1, 1.3)),
    )),
    Family("produce", "A07060105", "农副产品", "袋", FOOD, (22, 45), 3, (
        num("净含量", "g", "250|500|1000", label="{}g", prices=(1, 1.9, 3.6)),
        text("产地", "浙江丽水", label=None),
        text("包装", "袋装|礼盒装", prices=(1, 1.35)),
        flag("脱贫地区产品", "true"),
    )),
)

LINES: tuple[Line, ...] = (
    Line("paper", "得力", ("莱茵河", "珊瑚海", "佳宣")),
    Line("paper", "晨光", ("绿晨光", "蓝晨光", "米晨光")),
    Line("paper", "亚太森博", ("百旺", "旗舰"), 1.05),
    Line("paper", "金光", ("金旗舰", "红旗舰", "绿旗舰"), 1.1),
    Line("paper", "齐心", ("超能", "皓亮")),
    Line("toner", "惠普", ("CF226A", "W1110A", "CF283A", "Q2612A"),
         overrides=_fits("HP M402/M426", "HP 1020/1018", "HP M208dw")),
    Line("toner", "格之格", ("NT-PH226", "NT-C2612", "NT-CN283"), 0.9),
    Line("toner", "天威", ("TFH2612BPU1J", "TRH226BPU1J"), 0.85),
    Line("toner", "奔图", ("TO-405", "DL-410"),
         overrides=_fits("奔图 P3301DN/M7105DN", "奔图 P2506W/M6506")),
    Line("toner", "联想", ("LT2451", "LD2451"), overrides=_fits("联想 LJ2405/M7405")),
    Line("toner", "兄弟", ("TN-2425", "DR-2450"), overrides=_fits("兄弟 HL-2595DW/DCP-7195DW")),
    Line("ink", "惠普", ("803", "680", "GT53")),
    Line("ink", "佳能", ("PG-845", "CL-846", "GI-890")),
    Line("ink", "爱普生", ("T6721", "003", "T01M1")),
    Line("ink", "格之格", ("NC-00803BK",), 0.7),
    Line("pen", "晨光", ("K35", "GP-1350", "AGP87901")),
    Line("pen", "得力", ("S01", "A32", "DL-7")),
    Line("pen", "齐心", ("GP306",)),
    Line("pen", "真彩", ("0968",), 0.9),
    Line("folder", "得力", ("5302", "33113"), noun="档案盒"),
    Line("folder", "得力", ("5708", "5353")),
    Line("folder", "齐心", ("A1248", "HC-55"), noun="档案盒"),
    Line("folder", "晨光", ("ADM94819",)),
    Line("rice", "十月稻田", ("五常大米", "长粒香大米")),
    Line("rice", "柴火大院", ("五常稻花香",), 1.2),
    Line("rice", "金龙鱼", ("乳玉皇妃", "东北大米"), overrides=_origin("黑龙江")),
    Line("rice", "福临门", ("东北大米",), overrides=_origin("吉林")),
    Line("rice", "丽水山耕", ("遂昌高山大米", "缙云梯田米"), 1.2,
         overrides=_origin("浙江遂昌", "浙江缙云")),
    Line("rice", "苏垦", ("南粳46软香米",), overrides=_origin("江苏")),
    Line("flour", "金龙鱼", ("麦芯粉", "多用途麦芯粉")),
    Line("flour", "香雪", ("雪花粉", "富强粉"), overrides=_origin("广东")),
    Line("flour", "五得利", ("八星雪花", "七星"), 0.9),
    Line("flour", "河套", ("雪花粉", "家庭粉"), 1.1, overrides=_origin("内蒙古巴彦淖尔")),
    Line("oil", "金龙鱼", ("1:1:1 食用调和油", "黄金比例调和油")),
    Line("oil", "金龙鱼", ("外婆乡小榨菜籽油",), 1.1, overrides={"油种": ("菜籽油",)}),
    Line("oil", "鲁花", ("5S压榨一级花生油",), 1.6,
         overrides={"油种": ("花生油",), "工艺": ("压榨",)}),
    Line("oil", "福临门", ("非转基因玉米油",), 1.1, overrides={"油种": ("玉米油",)}),
    Line("oil", "多力", ("葵花籽油",), 1.2, overrides={"油种": ("葵花籽油",)}),
    Line("tea", "狮峰", ("西湖龙井 明前",), 1.4),
    Line("tea", "松阳银猴", ("银猴绿茶",), overrides=_origin("浙江松阳")),
    Line("tea", "景宁惠明", ("惠明茶 明前",), overrides=_origin("浙江景宁")),
    Line("tea", "天目湖", ("白茶",), 1.1, overrides=_origin("江苏溧阳")),
    Line("tea", "八马", ("铁观音 浓香型", "金骏眉"), overrides=_origin("福建")),
    Line("produce", "丽水山耕", ("庆元花菇", "景宁香菇"), noun="干香菇",
         overrides=_origin("浙江庆元", "浙江景宁")),
    Line("produce", "丽水山耕", ("遂昌笋干",), noun="笋干", overrides=_origin("浙江遂昌")),
    Line("produce", "青田农家", ("百花蜜",), 1.3, noun="土蜂蜜", overrides=_origin("浙江青田")),
    Line("produce", "蒙清", ("武川燕麦米",), noun="燕麦米", overrides=_origin("内蒙古武川")),
    Line("produce", "云和梯田", ("梯田黄小米",), noun="小米", overrides=_origin("浙江云和")),
)
# fmt: on
