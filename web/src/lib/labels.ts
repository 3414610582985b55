export const ORDER_STATE: Record<string, { label: string; color: string }> = {
  PLACED: { label: '待确认', color: 'blue' },
  CONFIRMED: { label: '已确认', color: 'cyan' },
  REJECTED: { label: '已拒绝', color: 'red' },
  SHIPPED: { label: '已发货', color: 'geekblue' },
  DELIVERED: { label: '已送达', color: 'purple' },
  ACCEPTED: { label: '已验收', color: 'green' },
  ACCEPTANCE_FAILED: { label: '验收不通过', color: 'volcano' },
  PAID: { label: '已支付', color: 'success' },
  CANCELLED: { label: '已取消', color: 'default' },
};

export const POLICY_TAG: Record<string, string> = {
  SME: '中小企业',
  SMALL_MICRO: '小微企业',
  DISABLED_WELFARE: '残疾人福利单位',
  PRISON: '监狱企业',
  POVERTY_832: '832 扶贫',
  LOCAL_PRODUCE: '本地特产',
  CRAFTS: '传统工艺',
};

export const PAYMENT_STATUS: Record<string, string> = {
  REQUESTED: '已申请',
  PROCESSING: '处理中',
  PAID: '已支付',
  FAILED: '失败',
};

export const PAYMENT_METHOD: Record<string, string> = {
  TREASURY: '国库集中支付',
  OFFICIAL_CARD: '公务卡',
};

export const CONTRACT_STATUS: Record<string, string> = {
  AWAITING_SIGNATURES: '待签署',
  SIGNED: '已签订',
  TERMINATED: '已终止',
};

export const SUPPLIER_SIZE: Record<string, string> = {
  LARGE: '大型企业',
  MEDIUM: '中型企业',
  SMALL: '小型企业',
  MICRO: '微型企业',
};

export const FACET_NAME: Record<string, string> = {
  category: '品目',
  brand: '品牌',
  price_band: '价格区间',
  policy_tag: '政策标签',
  agreement: '协议',
  hall: '专馆',
};

export function label(table: Record<string, string>, key: string | null | undefined): string {
  if (!key) return '—';
  return table[key] ?? key;
}

export const TIMELINE_ACTION: Record<string, string> = {
  place: '采购人下单',
  confirm: '供应商确认订单',
  reject: '供应商拒绝订单',
  sign_contract_purchaser: '采购人签署合同',
  sign_contract_supplier: '供应商签署合同',
  ship: '供应商发货',
  ship_part: '供应商部分发货',
  deliver: '货物送达',
  accept: '采购人验收',
  pay: '支付完成',
  cancel: '订单取消',
  expire: '超时未确认，自动取消',
};
