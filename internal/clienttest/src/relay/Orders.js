import { graphql } from 'relay-runtime';

// "My orders", paginated by Relay.
export const OrdersFragment = graphql`
  fragment Orders_user on User
  @refetchable(queryName: "OrdersPaginationQuery")
  @argumentDefinitions(
    count: { type: "Int", defaultValue: 2 }
    cursor: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    orders(first: $count, after: $cursor, last: $last, before: $before)
      @connection(key: "Orders_orders") {
      totalCount
      edges {
        node { id number status }
      }
    }
  }
`;
