// Each role gets its own navigation; only the purchaser's pages exist so far.
export type Role = 'PURCHASER' | 'SUPPLIER' | 'PARTNER' | 'OPERATOR' | 'SUPERVISOR';

export interface NavItem {
  path: string;
  label: string;
}

export const NAV: Record<Role, NavItem[]> = {
  PURCHASER: [
    { path: '/', label: '首页' },
    { path: '/search', label: '搜索' },
    { path: '/cart', label: '购物车' },
    { path: '/orders', label: '我的订单' },
    { path: '/plans', label: '采购计划' },
  ],
  SUPPLIER: [],
  PARTNER: [],
  OPERATOR: [],
  SUPERVISOR: [],
};

export const ROLE_LABEL: Record<Role, string> = {
  PURCHASER: '采购人',
  SUPPLIER: '供应商',
  PARTNER: '电商平台',
  OPERATOR: '运营机构',
  SUPERVISOR: '监管部门',
};
