// The API's `errors { code field message }`: messages are Chinese already; codes get a Chinese
// fallback so a missing message never shows an English enum.
export interface FieldError {
  code: string;
  field?: string | null;
  message: string;
}

const CODE_LABELS: Record<string, string> = {
  INVALID_CREDENTIALS: '用户名或密码错误',
  ACCOUNT_LOCKED: '账号已锁定，请稍后再试',
  ACCOUNT_DISABLED: '账号已停用',
  TOKEN_EXPIRED: '登录已过期，请重新登录',
  UNAUTHENTICATED: '请先登录',
  FORBIDDEN: '无权执行此操作',
  OVER_CEILING: '单价超过协议最高限价',
  NO_PLAN: '请选择采购计划',
  PLAN_NOT_APPLICABLE: '该采购计划不适用于此品目',
  PLAN_INSUFFICIENT: '采购计划剩余金额不足',
  OUT_OF_STOCK: '库存不足',
  SUPPLIER_BLACKLISTED: '供应商已被列入不良行为名单',
  SECOND_COMPETITION_REQUIRED: '金额超过限额，须二次竞价',
  OFFER_UNAVAILABLE: '商品已下架或不可购买',
  PRICE_CHANGED: '价格已变动，请确认新价格',
  CART_EMPTY: '购物车为空',
  CART_TOO_LARGE: '购物车商品过多',
  OVER_ORDER_LIMIT: '超过单笔订单限额',
  WRONG_ORDER_STATE: '订单当前状态不允许此操作',
  CONTRACT_NOT_SIGNED: '合同尚未签订',
  ALREADY_SIGNED: '已签署',
  NOT_ACCEPTED: '订单尚未验收',
  PAYMENT_EXISTS: '已申请支付',
  PAYMENT_METHOD_UNAVAILABLE: '该支付方式暂不可用',
  INVALID_INPUT: '输入有误',
  NOT_FOUND: '未找到',
};

export function errorMessage(error: FieldError): string {
  return error.message || CODE_LABELS[error.code] || `操作失败（${error.code}）`;
}

/** Groups errors by field; errors without a field go under "". */
export function errorsByField(errors: readonly FieldError[]): Map<string, string[]> {
  const byField = new Map<string, string[]>();
  for (const error of errors) {
    const key = error.field ?? '';
    byField.set(key, [...(byField.get(key) ?? []), errorMessage(error)]);
  }
  return byField;
}

/** The messages for one cart line: `placeOrder` names a line's problem `offer:<id>`. */
export function offerErrors(byField: Map<string, string[]>, offerId: string): string[] {
  return byField.get(`offer:${offerId}`) ?? [];
}

/** Errors not tied to a line or a named form field. */
export function generalErrors(byField: Map<string, string[]>, formFields: readonly string[] = []): string[] {
  return [...byField.entries()]
    .filter(([field]) => !field.startsWith('offer:') && !formFields.includes(field))
    .flatMap(([, messages]) => messages);
}

export function codeLabel(code: string): string {
  return CODE_LABELS[code] ?? code;
}
