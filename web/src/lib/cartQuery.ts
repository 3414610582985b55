import { graphql } from '../gql';

export const CartQuery = graphql(`
  query Cart {
    cart {
      lineCount
      total { amount currency }
      groups {
        supplier { id name supplierSize }
        total { amount currency }
        lines {
          quantity priceChanged
          seenPrice { amount currency }
          amount { amount currency }
          offer { id stock price { amount currency } product { id name brand model unit category { code name } } agreement { code } }
        }
      }
    }
  }
`);
