// The README's examples, opened as tabs.
export const EXAMPLES = [
  {
    query: `# 登录：把 accessToken 填入下方 Headers 的 Authorization
mutation {
  login(input: {username: "purchaser", password: "demo1234"}) {
    tokens { accessToken refreshToken accessTokenExpiresAt }
    errors { code field message }
  }
}
`,
  },
  {
    query: `# 品目树与商品列表
{
  categories(parentCode: "A0201") { code name }
  products(first: 20, filter: {categoryCode: "A02010104", brand: "联想"}, sort: NEWEST) {
    edges { node { id name model lowestPrice { amount }
                   offers { price { amount currency } stock supplier { name supplierSize } } } }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  {
    query: `# 搜索、比价与对比
{
  search(query: "联想 台式机", filter: {priceMax: "6000", policyTags: [SMALL_MICRO]},
         sort: PRICE_ASC, facets: ["brand", "price_band", "policy_tag"], first: 20) {
    totalCount facets { name values { value label count } }
    edges { node { titleHtml price { amount } supplierName offer { id } } }
    pageInfo { hasNextPage endCursor }
  }
  halls { slug name offers(first: 10) { edges { node { id price { amount } } } } }
}
`,
  },
  {
    query: `# 购物车与下单
mutation {
  placeOrder(input: {planId: "UHVyY2hhc2VQbGFuOjE=", deliveryAddress: "丽水市莲都区人民街 1 号",
                     contactName: "王丽", contactPhone: "0578-2123456", idempotencyKey: "c-1"}) {
    orders { id number state total { amount } }
    errors { code field message }
  }
}
`,
  },
];
